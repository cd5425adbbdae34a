import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Deadline } from '../domain/case';
import type { ChecklistTemplate } from '../domain/checklist';
import type { InspectionAction, InspectionActionType, InspectionKind, InspectionPending, InspectionState, StationSnapshot } from '../domain/inspection';
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

export type InspectionPayload<T extends InspectionActionType> = Omit<Extract<InspectionAction, { type: T }>, 'type'>;

export interface InspectionRequest<T extends InspectionActionType> {
  actor: Actor;
  requestId?: string;
  payload: InspectionPayload<T>;
}

export interface InspectionView extends InspectionState {
  pending: (InspectionPending & Partial<Deadline>) | null;
}

const update = <T extends InspectionActionType>(type: T) => defineUpdate<InspectionView, [InspectionRequest<T>]>(type);

export const inspectionUpdates: { [T in InspectionActionType]: UpdateDefinition<InspectionView, [InspectionRequest<T>]> } = {
  assignTeam: update('assignTeam'),
  acknowledge: update('acknowledge'),
  submitScores: update('submitScores'),
  submitReport: update('submitReport'),
  review: update('review'),
  submitRectification: update('submitRectification'),
  verify: update('verify'),
  decideSanction: update('decideSanction'),
};

export const inspectionState = defineQuery<InspectionView>('state');

/** Sent with the start (update-with-start): answers once the inspection is recorded, so the 201 is followed by a readable record. */
export const inspectionRecorded = defineUpdate<InspectionView>('inspectionRecorded');
