import type { campaign } from './campaign';
import { workflowName } from './caseMessages';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { StationFilter } from '../db/queries/stations';
import type { InspectionPolicy } from '../domain/policy';
import type { Actor } from '../domain/roles';

export const campaignWorkflowId = (campaignId: string) => `campaign:${campaignId}`;

export interface CampaignInput {
  id: string;
  name: string;
  filter: StationFilter;
  templateId: string;
  policy: InspectionPolicy;
  startedBy: Actor;
  batchSize: number;
  /** Carried over continue-as-new. */
  progress?: CampaignProgress;
}

export interface CampaignProgress {
  matched: number;
  started: number;
  afterStationId: number;
  status: 'running' | 'completed';
  startedAt: string;
}

export const campaignProgress = defineQuery<CampaignProgress>('progress');

/** Sent with the start: answers once the campaign has counted its stations and is recorded. */
export const campaignRecorded = defineUpdate<CampaignProgress>('campaignRecorded');

/** The workflow's type name, for starters (see caseMessages.ts). */
export const campaignWorkflow = workflowName<typeof campaign>('campaign');
