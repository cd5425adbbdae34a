import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/roles';
import type { ActionType, ApplicationState, Deadline, Pending, StationApplication, StationApprovalAction } from '../domain/stationApproval';
import type { InspectionPolicy, ProgrammePolicy, StationApprovalPolicy } from '../domain/policy';

/** Messages of the station approval workflow, imported by the workflow and by the API alike. */

export const stationApplicationWorkflowId = (applicationId: string) => `station-application:${applicationId}`;

export interface StationApprovalInput {
  id: string;
  applicantId: string;
  application: StationApplication;
  policy: StationApprovalPolicy;
  /** Handed on to the station's programme once the licence is issued. */
  programmePolicy: ProgrammePolicy;
  inspectionPolicy: InspectionPolicy;
  /** Industry authorities that must concur before the decision (none on cases begun before concurrence). */
  concurrences?: string[];
  requestId?: string;
}

export type ActionPayload<T extends ActionType> = Omit<Extract<StationApprovalAction, { type: T }>, 'type'>;

/** Every human action carries who takes it and the request it came from. */
export interface ActionRequest<T extends ActionType> {
  actor: Actor;
  requestId?: string;
  payload: ActionPayload<T>;
}

/** The case as the workflow holds it, with who must act next and by when. */
export interface StationApprovalView extends ApplicationState {
  pending: (Pending & Partial<Deadline>) | null;
}

const update = <T extends ActionType>(type: T) => defineUpdate<StationApprovalView, [ActionRequest<T>]>(type);

export const stationApprovalUpdates: { [T in ActionType]: UpdateDefinition<StationApprovalView, [ActionRequest<T>]> } = {
  resubmit: update('resubmit'),
  withdraw: update('withdraw'),
  assignReviewer: update('assignReviewer'),
  review: update('review'),
  assignAssessors: update('assignAssessors'),
  submitAssessment: update('submitAssessment'),
  concur: update('concur'),
  decide: update('decide'),
};

export const stationApprovalState = defineQuery<StationApprovalView>('state');

/**
 * Sent with the start (update-with-start, as in Temporal's early-return sample): answers once the
 * application is checked for completeness and recorded in MySQL, so the API's 201 shows where the
 * case stands and is followed by a readable record.
 */
export const submissionRecorded = defineUpdate<StationApprovalView>('submissionRecorded');
