import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Deadline } from '../domain/case';
import type { ComplaintAction, ComplaintActionType, ComplaintPending, ComplaintState, Intake } from '../domain/complaint';
import type { ComplaintPolicy, InspectionPolicy } from '../domain/policy';
import type { SessionRegion } from '../domain/programme';
import type { Actor, Role } from '../domain/roles';

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
/** The former reveal (saved nothing by itself): kept for the histories that hold it; the API sends `identityReveal`. */
export const identityRevealed = defineSignal<[{ by: string; role: string }]>('identityRevealed');
/** A staff member is about to see the complainant's identity: answers once the reveal is saved on the case's trail. */
export const identityReveal = defineUpdate<void, [{ by: string; role: Role; requestId?: string }]>('identityReveal');

export const complaintState = defineQuery<ComplaintView>('state');
export const complaintRecorded = defineUpdate<ComplaintView>('complaintRecorded');
