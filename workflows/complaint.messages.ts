import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Deadline } from '../domain/case';
import type { ComplaintAction, ComplaintActionType, ComplaintPending, ComplaintState, Intake } from '../domain/complaint';
import type { ComplaintPolicy, InspectionPolicy } from '../domain/policy';
import type { Actor } from '../domain/roles';

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
}

export type ComplaintPayload<T extends ComplaintActionType> = Omit<Extract<ComplaintAction, { type: T }>, 'type'>;
export interface ComplaintRequest<T extends ComplaintActionType> {
  actor: Actor;
  requestId?: string;
  payload: ComplaintPayload<T>;
}
export interface ComplaintView extends ComplaintState {
  pending: (ComplaintPending & Partial<Deadline>) | null;
  appealUntil: string | null;
}

const update = <T extends ComplaintActionType>(type: T) => defineUpdate<ComplaintView, [ComplaintRequest<T>]>(type);
export const complaintUpdates: { [T in ComplaintActionType]: UpdateDefinition<ComplaintView, [ComplaintRequest<T>]> } = {
  answer: update('answer'),
  convert: update('convert'),
  triage: update('triage'),
  merge: update('merge'),
  assignInvestigator: update('assignInvestigator'),
  extendDeadline: update('extendDeadline'),
  submitFinding: update('submitFinding'),
};

/** The complainant appeals once, within the window (validated against the case's state). */
export const complaintAppeal = defineUpdate<ComplaintView, [{ reason: string }]>('appeal');
/** A duplicate merged into this case: its complainant follows this one. */
export const duplicateMerged = defineSignal<[{ complaintId: string }]>('duplicateMerged');
/** A staff member saw the complainant's identity: recorded on the timeline. */
export const identityRevealed = defineSignal<[{ by: string; role: string }]>('identityRevealed');

export const complaintState = defineQuery<ComplaintView>('state');
export const complaintRecorded = defineUpdate<ComplaintView>('complaintRecorded');
