import type { stationApproval } from './stationApproval';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import {
  ACTION_ROLE,
  type ActionType,
  type ApplicationState,
  type Pending,
  type StationApplication,
  type StationApprovalAction,
} from '../domain/stationApproval';
import { defineActionUpdates, workflowName, type ActionResult, type CaseRequest, type CaseView, type PayloadOf } from './caseMessages';
import type { Actor } from '../domain/roles';
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

export type ActionPayload<T extends ActionType> = PayloadOf<StationApprovalAction, T>;
export type ActionRequest<T extends ActionType> = CaseRequest<StationApprovalAction, T>;
export type StationApprovalView = CaseView<ApplicationState, Pending>;

export const stationApprovalUpdates = defineActionUpdates<StationApprovalAction, StationApprovalView>(Object.keys(ACTION_ROLE) as ActionType[]);

export const stationApprovalState = defineQuery<StationApprovalView>('state');

/**
 * A supervisor extends the statutory limit once, with reasons. Not one of the case runtime's actions: its handler
 * first resolves the new due time (working days, through the calendar), so the extension's entry carries it.
 */
export interface StatutoryExtensionRequest {
  actor: Actor;
  requestId?: string;
  payload: { reasons: string[] };
}
export const statutoryExtension = defineUpdate<ActionResult<StationApprovalView>, [StatutoryExtensionRequest]>('extendStatutoryLimit');

/**
 * Sent with the start (update-with-start, as in Temporal's early-return sample): answers once the
 * application is checked for completeness and recorded in MySQL, so the API's 201 shows where the
 * case stands and is followed by a readable record.
 */
export const submissionRecorded = defineUpdate<StationApprovalView>('submissionRecorded');

/** The workflow's type name, for starters (see caseMessages.ts). */
export const stationApprovalWorkflow = workflowName<typeof stationApproval>('stationApproval');
