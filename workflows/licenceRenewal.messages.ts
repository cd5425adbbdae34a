import type { licenceRenewal } from './licenceRenewal';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { StationSnapshot } from '../domain/inspection';
import type { LicenceRenewalPolicy } from '../domain/policy';
import type { RenewalAction, RenewalActionType, RenewalFiling, RenewalRecord, RenewalState } from '../domain/licenceRenewal';
import type { Actor } from '../domain/roles';
import { defineActionUpdates, workflowName, type CaseRequest, type CaseView, type PayloadOf } from './caseMessages';

/** Messages of a station licence's renewal (`licence-renewal:<station>:<validUntil day>`), for the workflow and the API. */

/** The business key: one renewal per station and licence validity (its id is `<station>-<day>`). */
export const licenceRenewalWorkflowId = (renewalId: string) => `licence-renewal:${renewalId.replace(/-(\d{4}-\d{2}-\d{2})$/, ':$1')}`;

export interface LicenceRenewalInput {
  station: StationSnapshot;
  licence: { number: string; validUntil: string };
  filedBy: Actor;
  filing: RenewalFiling;
  record: RenewalRecord;
  policy: LicenceRenewalPolicy;
  requestId?: string;
}

export type RenewalPayload<T extends RenewalActionType> = PayloadOf<RenewalAction, T>;
export type RenewalRequest<T extends RenewalActionType> = CaseRequest<RenewalAction, T>;
export type LicenceRenewalView = CaseView<RenewalState>;

export const licenceRenewalUpdates = defineActionUpdates<RenewalAction, LicenceRenewalView>(['decide']);
export const licenceRenewalState = defineQuery<LicenceRenewalView>('state');
export const licenceRenewalRecorded = defineUpdate<LicenceRenewalView>('licenceRenewalRecorded');

/** The workflow's type name, for starters (see caseMessages.ts). */
export const licenceRenewalWorkflow = workflowName<typeof licenceRenewal>('licenceRenewal');
