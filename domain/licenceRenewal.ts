import { z } from 'zod';
import { deadlineByStatus, record, withoutTimeline, type ActionContext, type CaseMail, type CaseRecord, type CaseRules, type TimelineEntry } from './case';
import { chinaDate } from './chinaTime';
import type { Rating } from './checklist';
import { durationMs } from './duration';
import { forbidden, invalid, notAllowed } from './errors';
import type { StationSnapshot } from './inspection';
import { escalationChain } from './jurisdiction';
import { licenceNotices } from './notices';
import type { LicenceRenewalPolicy } from './policy';
import { hasRole, type Actor } from './roles';
import { singleLine } from './text';

/**
 * A station licence's renewal (许可续期): a shorter path than the first licence. The station's administrator files it
 * with documents; the record (the last inspections' ratings, open rectification orders, whether the licence had lapsed)
 * is taken from the station's programme at filing and shown to the decider; a supervisor approves or rejects with reasons.
 */

export const RENEWAL_STATUSES = ['awaiting_decision', 'approved', 'rejected'] as const;
export type RenewalStatus = (typeof RENEWAL_STATUSES)[number];

/** What the administrator files. */
export const renewalFilingSchema = z.strictObject({
  documents: z
    .array(z.object({ kind: singleLine(1, 64), reference: singleLine(1, 500) }))
    .min(1)
    .max(100),
  notes: z.string().trim().max(10_000).default(''),
});
export type RenewalFiling = z.infer<typeof renewalFilingSchema>;

/** The station's record as the programme held it when the renewal was filed. */
export interface RenewalRecord {
  /** Ratings of the last inspections, newest last. */
  ratings: Rating[];
  /** Inspections whose rectification order (整改) is still open. */
  openRectifications: string[];
  /** The station's status at filing: `lapsed` when filed after expiry. */
  stationStatus: string;
}

export interface RenewalState extends CaseRecord {
  /** `<station id>-<validUntil day>`: one renewal per licence validity. */
  id: string;
  status: RenewalStatus;
  station: StationSnapshot;
  licence: { number: string; validUntil: string };
  filedBy: string;
  filing: RenewalFiling;
  record: RenewalRecord;
  decision?: { outcome: 'approve' | 'reject'; by: string; at: string; reasons: string[]; validUntil?: string };
}

export type RenewalAction = { type: 'decide'; outcome: 'approve' | 'reject'; reasons: string[] };
export type RenewalActionType = RenewalAction['type'];

export const renewalId = (stationId: number, validUntil: string) => `${stationId}-${chinaDate(validUntil)}`;

export function initialRenewal(input: {
  station: StationSnapshot;
  licence: { number: string; validUntil: string };
  filedBy: Actor;
  filing: RenewalFiling;
  record: RenewalRecord;
  at: string;
  requestId?: string;
}): RenewalState {
  const s: RenewalState = {
    id: renewalId(input.station.id, input.licence.validUntil),
    status: 'awaiting_decision',
    station: input.station,
    licence: input.licence,
    filedBy: input.filedBy.id,
    filing: input.filing,
    record: input.record,
    version: 0,
    timeline: [],
  };
  return record(
    s,
    'renewal_filed',
    { actor: input.filedBy, role: 'station_admin', at: input.at, requestId: input.requestId },
    {
      licenceNumber: input.licence.number,
      validUntil: input.licence.validUntil,
      documents: input.filing.documents.length,
    },
  );
}

/**
 * The validity an approval grants: a full period from the old validUntil, or from the decision when that comes later
 * (a lapsed licence is revived from the decision date, not back-dated over the time it was lapsed).
 */
export function renewedUntil(validUntil: string, decidedAt: string, validity: string): string {
  return new Date(Math.max(Date.parse(validUntil), Date.parse(decidedAt)) + durationMs(validity)).toISOString();
}

export function checkRenewalAction(s: RenewalState, action: RenewalAction, actor: Actor): void {
  if (!hasRole(actor, 'supervisor')) throw forbidden('only a supervisor decides a licence renewal');
  if (s.status !== 'awaiting_decision') throw notAllowed(`the renewal is ${s.status}`);
  if (action.outcome === 'reject' && action.reasons.length === 0) throw invalid('reasons', 'a rejection needs its reasons', 'required');
}

export function applyRenewalAction(s: RenewalState, action: RenewalAction, ctx: ActionContext, policy: LicenceRenewalPolicy): RenewalState {
  const ctxRole = { ...ctx, role: ctx.role ?? ('supervisor' as const) };
  if (action.outcome === 'approve') {
    const validUntil = renewedUntil(s.licence.validUntil, ctx.at, policy.validity);
    const decision = { outcome: action.outcome, by: ctx.actor.id, at: ctx.at, reasons: action.reasons, validUntil };
    return record({ ...s, status: 'approved', decision }, 'renewal_approved', ctxRole, { validUntil, reasons: action.reasons });
  }
  const decision = { outcome: action.outcome, by: ctx.actor.id, at: ctx.at, reasons: action.reasons };
  return record({ ...s, status: 'rejected', decision }, 'renewal_rejected', ctxRole, { reasons: action.reasons });
}

/** The station hears the outcome at its contact address. */
export function renewalMailsFor(entry: TimelineEntry, s: RenewalState): CaseMail[] {
  const to = [s.station.adminEmail];
  if (entry.action === 'renewal_approved')
    return [{ key: `${entry.seq}-approved`, to, notice: licenceNotices.renewed(s.station.name, s.licence.number, chinaDate(s.decision!.validUntil!)) }];
  if (entry.action === 'renewal_rejected')
    return [
      {
        key: `${entry.seq}-rejected`,
        to,
        notice: licenceNotices.rejected(s.station.name, s.licence.number, chinaDate(s.licence.validUntil), s.decision!.reasons),
      },
    ];
  return [];
}

/** The renewal's row in the register, without the timeline. */
export type RenewalRow = Omit<RenewalState, 'timeline'>;

const HOLD_DEADLINES = { awaiting_decision: 'renewalDecision' } as const;

export const licenceRenewalRules: CaseRules<RenewalState, RenewalAction, LicenceRenewalPolicy, RenewalRow> = {
  statuses: RENEWAL_STATUSES,
  check: (s, action, actor) => checkRenewalAction(s, action, actor),
  apply: applyRenewalAction,
  pendingOn: (s) => (s.status === 'awaiting_decision' ? { action: 'decide', role: 'supervisor', userIds: [] } : null),
  mailsFor: renewalMailsFor,
  isFinal: (s) => s.status !== 'awaiting_decision',
  deadline: deadlineByStatus<RenewalState>(HOLD_DEADLINES),
  project: withoutTimeline,
  hold: {
    deadlines: HOLD_DEADLINES,
    label: (s) => `licence renewal ${s.id} of ${s.station.name}`,
    region: (s) => s.station,
    // The supervisors where the station is, climbing as the escalation ladder does.
    holders: (s, pending) => ({ role: pending.role, at: escalationChain(s.station) }),
    missed: () => null,
  },
};
