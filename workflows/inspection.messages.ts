import type { inspection } from './inspection';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ChecklistTemplate } from '../domain/checklist';
import {
  INSPECTION_ACTION_ROLE,
  type InspectionAction,
  type InspectionActionType,
  type InspectionKind,
  type InspectionPending,
  type InspectionState,
  type StationSnapshot,
} from '../domain/inspection';
import { defineActionUpdates, workflowName, type CaseRequest, type CaseView, type PayloadOf } from './caseMessages';
import type { InspectionPolicy } from '../domain/policy';
import type { Actor } from '../domain/roles';

/** Messages of the inspection workflow, imported by the workflow and the API alike. */

export const inspectionWorkflowId = (inspectionId: string) => `inspection:${inspectionId}`;
/** Routine inspections are numbered per station cycle; campaign ones per campaign and station. */
export const routineInspectionId = (stationId: number, cycle: number) => `S${stationId}-R${cycle}`;
export const campaignInspectionId = (campaignId: string, stationId: number) => `C${campaignId}-S${stationId}`;

export interface InspectionInput {
  id: string;
  kind: InspectionKind;
  station: StationSnapshot;
  template: ChecklistTemplate;
  previousTeamIds: string[];
  policy: InspectionPolicy;
  startedBy: Actor;
  campaignId?: string;
  reason?: string;
}

export type InspectionPayload<T extends InspectionActionType> = PayloadOf<InspectionAction, T>;
export type InspectionRequest<T extends InspectionActionType> = CaseRequest<InspectionAction, T>;
export type InspectionView = CaseView<InspectionState, InspectionPending>;

export const inspectionUpdates = defineActionUpdates<InspectionAction, InspectionView>(Object.keys(INSPECTION_ACTION_ROLE) as InspectionActionType[]);

export const inspectionState = defineQuery<InspectionView>('state');

/** Sent with the start (update-with-start): answers once the inspection is recorded, so the 201 is followed by a readable record. */
export const inspectionRecorded = defineUpdate<InspectionView>('inspectionRecorded');

/** The workflow's type name, for starters (see caseMessages.ts). */
export const inspectionWorkflow = workflowName<typeof inspection>('inspection');
