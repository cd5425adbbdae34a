import type { complaint } from './complaint';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ComplaintAction, ComplaintActionType, ComplaintPending, ComplaintState, Intake } from '../domain/complaint';
import type { ComplaintPolicy, InspectionPolicy } from '../domain/policy';
import type { SessionRegion } from '../domain/programme';
import type { Role } from '../domain/roles';
import { defineActionUpdates, workflowName, type ActionResult, type CaseRequest, type CaseView, type PayloadOf } from './caseMessages';

export const complaintWorkflowId = (complaintId: string) => `complaint:${complaintId}`;

export interface ComplaintInput {
  id: string;
  trackingNumber: string;
  secretHash: string;
  /** The contact, sealed (AES-256-GCM): the history never holds it in clear. */
  sealedContact: string | null;
  intake: Omit<Intake, 'contact'>;
  policy: ComplaintPolicy;
  inspectionPolicy: InspectionPolicy;
  /** The region rule of the automatic cross-region check (policy `programme.sessionRegion`); complaints started without it check provinces. */
  sessionRegion?: SessionRegion;
}

export type ComplaintPayload<T extends ComplaintActionType> = PayloadOf<ComplaintAction, T>;
export type ComplaintRequest<T extends ComplaintActionType> = CaseRequest<ComplaintAction, T>;
export type ComplaintView = CaseView<ComplaintState, ComplaintPending> & { appealUntil: string | null };

export const complaintUpdates = defineActionUpdates<ComplaintAction, ComplaintView>([
  'answer',
  'convert',
  'triage',
  'merge',
  'assignInvestigator',
  'extendDeadline',
  'submitFinding',
]);

/** The complainant appeals once, within the window (validated against the case's state). */
export const complaintAppeal = defineUpdate<ActionResult<ComplaintView>, [{ reason: string }]>('appeal');
/** A duplicate merged into this case: its complainant follows this one. */
export const duplicateMerged = defineSignal<[{ complaintId: string }]>('duplicateMerged');
/** The former reveal (saved nothing by itself): kept for the histories that hold it; the API sends `identityReveal`. */
export const identityRevealed = defineSignal<[{ by: string; role: string }]>('identityRevealed');
/** A staff member is about to see the complainant's identity: answers once the reveal is saved on the case's trail. */
export const identityReveal = defineUpdate<void, [{ by: string; role: Role; requestId?: string }]>('identityReveal');

export const complaintState = defineQuery<ComplaintView>('state');
export const complaintRecorded = defineUpdate<ComplaintView>('complaintRecorded');

/** The workflow's type name, for starters (see caseMessages.ts). */
export const complaintWorkflow = workflowName<typeof complaint>('complaint');
