import { z } from 'zod';
import { chinaDate } from './chinaTime';
import { record, type ActionContext, type CaseRules, type TimelineEntry } from './case';
import { singleLine } from './text';
import type { Rating } from './checklist';
import { durationMs } from './duration';
import { Refusal, forbidden, invalid, notAllowed } from './errors';
import type { InspectionKind, Sanction, StationSnapshot } from './inspection';
import type { ProgrammePolicy } from './policy';
import { ELIGIBLE_STATUSES, type QualificationStatus } from './qualification';
import type { Region } from './region';
import { hasRole, type Actor } from './roles';
import type { ScopeEntry } from './stationApproval';

/** A station's supervision programme: the risk-based inspection cycle, its status, sanctions and sessions. */

export type StationStatus = 'active' | 'suspended' | 'lapsed' | 'revoked';

/**
 * The licence's life as the programme keeps it: its validity, the reminders sent for it, and a renewal filed and not yet
 * decided (which keeps the station active past validUntil). Absent on programmes begun before the licence's life.
 */
export interface LicenceLife {
  number: string;
  validUntil: string;
  /** The station's addresses for the licence's mail: its contact e-mail and its administrators'. */
  emails: string[];
  /** Offsets (policy `licenceReminders`) already reminded for this validUntil. */
  remindersSent: string[];
  pendingRenewalId?: string;
}
export type Demonstration = 'none' | 'candidate' | 'confirmed' | 'declined';

export interface ProgrammeState {
  station: StationSnapshot & { scope: ScopeEntry[] };
  status: StationStatus;
  /** Routine cycles started so far; the next routine inspection is `inspection:<station>-r<cycle+1>`. */
  cycle: number;
  /** Ratings of concluded inspections, newest last (the last ten). */
  ratings: Rating[];
  /** The team of the last routine inspection: they rotate out of the next one. */
  lastRoutineTeamIds: string[];
  openRoutineInspectionId?: string;
  /** Inspections whose rectification order is open. */
  openRectifications: string[];
  substantiatedComplaintsAt: string[];
  nextDueAt: string;
  demonstration: Demonstration;
  sanctions: Array<{ level: Sanction; inspectionId: string; at: string }>;
  /** Grows with each change; also the sequence of the programme's events. */
  version: number;
  /** The programme's latest entries (the audit trail keeps them all; a run continued as new carries the last few). */
  timeline: TimelineEntry[];
  licence?: LicenceLife;
}

export interface InspectionConclusion {
  inspectionId: string;
  kind: InspectionKind;
  rating: Rating;
  teamIds: string[];
  at: string;
}

/** How soon the next routine inspection is due, by risk: the shortest interval that applies. */
export function nextInspectionDue(state: ProgrammeState, from: string, policy: ProgrammePolicy): string {
  const last = state.ratings[state.ratings.length - 1];
  const intervals = [durationMs(last ? policy.intervals[last] : policy.intervals.unrated)];
  if (state.openRectifications.length) intervals.push(durationMs(policy.openRectificationInterval));
  if (recentComplaints(state, from, policy) > 0) intervals.push(durationMs(policy.substantiatedComplaintInterval));
  return new Date(Date.parse(from) + Math.min(...intervals)).toISOString();
}

export function recentComplaints(state: ProgrammeState, at: string, policy: ProgrammePolicy): number {
  const since = Date.parse(at) - durationMs(policy.complaintWindow);
  return state.substantiatedComplaintsAt.filter((t) => Date.parse(t) >= since).length;
}

/** A station rated A in the last N inspections with no substantiated complaint in the window is a demonstration candidate (示范站). */
export function isDemonstrationCandidate(state: ProgrammeState, at: string, policy: ProgrammePolicy): boolean {
  const n = policy.demonstrationAfterConsecutiveA;
  const lastN = state.ratings.slice(-n);
  return lastN.length === n && lastN.every((r) => r === 'A') && recentComplaints(state, at, policy) === 0;
}

export const sessionSchema = z.object({
  occupationCode: z.string().regex(/^\d-\d{2}-\d{2}-\d{2}$/, 'must be an occupation code such as 4-04-05-01'),
  level: z.number().int().min(1).max(5),
  date: z.iso.date(),
  site: z.object({ provinceCode: z.string().regex(/^\d{6}$/), cityCode: z.string().regex(/^\d{6}$/), address: singleLine(3, 500) }),
  examinerIds: z.array(z.string().min(1).max(64)).min(1).max(50),
  expectedCandidates: z.number().int().min(1).max(10_000),
  /** When the session begins and ends; without them it takes its whole day (China time). */
  startsAt: z.iso.datetime().optional(),
  endsAt: z.iso.datetime().optional(),
});
export type AppraisalSession = z.infer<typeof sessionSchema>;

/** Whether sessions must stay in the station's province or in its city (policy `programme.sessionRegion`). */
export type SessionRegion = ProgrammePolicy['sessionRegion'];

/**
 * Why a site is cross-region (跨地区) for a station, or null: outside the station's province, or its city
 * where policy confines sessions to it. Registration refuses such a session; a complaint's check flags it.
 */
export function crossRegion(station: Region, site: Region, region: SessionRegion): string | null {
  const field = region === 'city' ? 'cityCode' : 'provinceCode';
  return site[field] === station[field] ? null : `the site ${site[field]} is outside the station's ${region} ${station[field]}`;
}

/** What the API read for a registration: the station's licence, and each examiner's register entry with their qualifications in the session's occupation. */
export interface SessionFacts {
  licence: { number: string; validUntil: string };
  examiners: SessionExaminer[];
}
export interface SessionExaminer {
  id: string;
  /** The examiner register's status; null for someone not in the register. */
  status: string | null;
  qualifications: Array<{ level: number; status: QualificationStatus; expiresAt: string | null }>;
}

/**
 * Why an examiner may not examine at a session, or null: they must be active in the register and hold, on the
 * session date, an eligible qualification for its occupation at its level or higher (level 1 is the highest).
 */
export function examinerRefusal(examiner: SessionExaminer, session: AppraisalSession): string | null {
  if (!examiner.status) return `${examiner.id} is not a registered examiner`;
  if (examiner.status !== 'active') return `${examiner.id} is not active (${examiner.status})`;
  if (!examiner.qualifications.length) return `${examiner.id} holds no qualification for ${session.occupationCode}`;
  const reasons: string[] = [];
  for (const q of [...examiner.qualifications].sort((a, b) => a.level - b.level)) {
    const expired = q.expiresAt !== null && chinaDate(q.expiresAt) < session.date;
    if (!ELIGIBLE_STATUSES.includes(q.status)) reasons.push(`the level ${q.level} qualification is ${q.status}`);
    else if (expired) reasons.push(`the level ${q.level} qualification is valid until ${chinaDate(q.expiresAt!)}: expired by the session`);
    else if (q.level > session.level) reasons.push(`qualified at level ${q.level}, below the session's level ${session.level}`);
    else return null;
  }
  return `${examiner.id}: ${reasons.join('; ')} (${session.occupationCode})`;
}

/**
 * Why a station may not register a session (鉴定场次), or null: outside its licensed scope (超范围), its licence's
 * validity or its region (跨地区), the station suspended or revoked, or an examiner not qualified for it.
 */
export function sessionRefusal(state: ProgrammeState, session: AppraisalSession, facts: SessionFacts, policy: ProgrammePolicy, today: string): Error | null {
  if (session.date < today) return invalid('date', `a session is registered before it is held; ${session.date} is past`);
  if (state.status === 'lapsed') {
    const until = state.licence?.validUntil ?? facts.licence.validUntil;
    return new Refusal(
      'NotAllowed',
      `the licence ${facts.licence.number} lapsed on ${chinaDate(until)} (许可证已失效): renew it to register sessions`,
      'date',
      'licence_lapsed',
    );
  }
  if (state.status !== 'active') return notAllowed(`the station is ${state.status}: it may not register appraisal sessions`);
  const validUntil = chinaDate(facts.licence.validUntil);
  // A renewal filed before expiry keeps the station active, and so able to plan sessions, while it is decided.
  if (validUntil < session.date && !state.licence?.pendingRenewalId) {
    return new Refusal('NotAllowed', `the licence ${facts.licence.number} is valid until ${validUntil}: expired by the session on ${session.date}`, 'date');
  }
  const licensed = state.station.scope.find((e) => e.occupationCode === session.occupationCode);
  if (!licensed) return notAllowed(`out of scope (超范围): occupation ${session.occupationCode} is not in the station's licence`);
  if (session.level < licensed.highestLevel) {
    return notAllowed(`out of scope (超范围): level ${session.level} is above the licensed level ${licensed.highestLevel} for ${session.occupationCode}`);
  }
  const outside = crossRegion(state.station, session.site, policy.sessionRegion);
  if (outside) return notAllowed(`cross-region (跨地区): ${outside}`);
  const refused = facts.examiners.flatMap((e) => examinerRefusal(e, session) ?? []);
  if (refused.length) return new Refusal('NotAllowed', `examiner not qualified for this session (考评员资格): ${refused.join('; ')}`, 'examinerIds');
  return null;
}

/** What other processes tell the programme: inspections, rectifications, sanctions, complaint findings. */
export type ProgrammeEvent =
  | ({ type: 'inspection_concluded' } & InspectionConclusion)
  | { type: 'rectification_opened'; inspectionId: string; at: string }
  | { type: 'rectification_closed'; inspectionId: string; at: string }
  | { type: 'sanction'; level: Sanction; inspectionId: string; at: string }
  | { type: 'complaint_substantiated'; complaintId: string; at: string }
  /** A licence renewal (licence-renewal:…) filed, and its decision (an approval carries the new validUntil). */
  | { type: 'renewal_filed'; renewalId: string; licence: { number: string; validUntil: string }; at: string }
  | { type: 'renewal_decided'; renewalId: string; outcome: 'approved' | 'rejected'; validUntil?: string; at: string };

/** Every change of a programme: other processes' events, people's actions, and its own routine cycle. */
export type ProgrammeAction =
  | ProgrammeEvent
  | { type: 'registerSession'; sessionId: string; session: AppraisalSession; facts: SessionFacts }
  | { type: 'decideDemonstration'; confirm: boolean; reasons: string[] }
  | { type: 'dispatchQualitySupervisor'; sessionId: string; qualitySupervisorId: string }
  | { type: 'startRoutineInspection'; inspectionId: string }
  | { type: 'trackLicence'; number: string; validUntil: string; emails: string[] }
  | { type: 'remindLicence'; offset: string }
  | { type: 'lapseLicence' };

export function initialProgramme(station: ProgrammeState['station'], policy: ProgrammePolicy, at: string): ProgrammeState {
  return {
    station,
    status: 'active',
    cycle: 0,
    ratings: [],
    lastRoutineTeamIds: [],
    openRectifications: [],
    substantiatedComplaintsAt: [],
    nextDueAt: new Date(Date.parse(at) + durationMs(policy.intervals.unrated)).toISOString(),
    demonstration: 'none',
    sanctions: [],
    version: 0,
    timeline: [],
  };
}

const earlier = (a: string, b: string) => (Date.parse(a) <= Date.parse(b) ? a : b);

/** Who may do what on a programme; events from other processes and its own cycle need no check. */
export function checkProgrammeAction(state: ProgrammeState, action: ProgrammeAction, actor: Actor, policy: ProgrammePolicy, at: string): void {
  switch (action.type) {
    case 'registerSession': {
      if (actor.id !== state.station.adminId) throw forbidden("only the station's administrator may register its sessions");
      const refusal = sessionRefusal(state, action.session, action.facts, policy, chinaDate(at));
      if (refusal) throw refusal;
      return;
    }
    case 'decideDemonstration':
      if (!hasRole(actor, 'supervisor')) throw forbidden('only a supervisor decides on demonstration stations');
      if (state.demonstration !== 'candidate') throw notAllowed(`the station is not a demonstration candidate (${state.demonstration})`);
      return;
    case 'dispatchQualitySupervisor':
      if (!hasRole(actor, 'supervisor')) throw forbidden('only a supervisor dispatches quality supervisors (督导员)');
      return;
    default:
      return;
  }
}

/** The programme after an action, with its timeline entry; `ctx.at` is when it is recorded, an event's own `at` when it happened. */
export function applyProgrammeAction(state: ProgrammeState, action: ProgrammeAction, ctx: ActionContext, policy: ProgrammePolicy): ProgrammeState {
  const next = (changed: ProgrammeState, entry: string, data: Record<string, unknown>) =>
    record(changed, entry, { ...ctx, role: ctx.role ?? ctx.actor.roles[0] }, data);
  let s = state;
  switch (action.type) {
    case 'registerSession': {
      const { sessionId, session } = action;
      return next(s, 'session_registered', { sessionId, occupationCode: session.occupationCode, level: session.level, date: session.date });
    }
    case 'decideDemonstration':
      return next({ ...s, demonstration: action.confirm ? 'confirmed' : 'declined' }, action.confirm ? 'demonstration_confirmed' : 'demonstration_declined', {
        reasons: action.reasons,
      });
    case 'dispatchQualitySupervisor':
      return next(s, 'quality_supervisor_dispatched', { sessionId: action.sessionId, qualitySupervisorId: action.qualitySupervisorId });
    case 'startRoutineInspection': {
      const cycle = s.cycle + 1;
      s = {
        ...s,
        cycle,
        openRoutineInspectionId: action.inspectionId,
        nextDueAt: new Date(Date.parse(ctx.at) + durationMs(policy.intervals.unrated)).toISOString(),
      };
      return next(s, 'routine_inspection_started', { inspectionId: action.inspectionId, cycle });
    }
    case 'trackLicence':
      return next({ ...s, licence: { number: action.number, validUntil: action.validUntil, emails: action.emails, remindersSent: [] } }, 'licence_tracked', {
        licenceNumber: action.number,
        validUntil: action.validUntil,
      });
    case 'remindLicence': {
      const licence = s.licence!;
      s = { ...s, licence: { ...licence, remindersSent: [...licence.remindersSent, action.offset] } };
      return next(s, 'licence_reminder', { offset: action.offset, licenceNumber: licence.number, validUntil: licence.validUntil });
    }
    case 'lapseLicence':
      return next({ ...s, status: 'lapsed' }, 'licence_lapsed', { licenceNumber: s.licence?.number, validUntil: s.licence?.validUntil });
    case 'renewal_filed': {
      // A programme that has not yet taken up its licence (begun before the licence's life) learns it from the renewal.
      const licence = s.licence ?? { ...action.licence, emails: [s.station.adminEmail], remindersSent: [] };
      s = { ...s, licence: { ...licence, pendingRenewalId: action.renewalId } };
      break;
    }
    case 'renewal_decided': {
      if (!s.licence) break;
      const { pendingRenewalId: _pending, ...licence } = s.licence;
      if (action.outcome === 'approved' && action.validUntil) {
        s = { ...s, licence: { ...licence, validUntil: action.validUntil, remindersSent: [] } };
        // Revived from the decision date: the programme resumes as for a new station.
        if (s.status === 'lapsed') s = { ...s, status: 'active', nextDueAt: nextInspectionDue(s, action.at, policy) };
      } else s = { ...s, licence };
      break;
    }
    case 'inspection_concluded': {
      const routine = action.kind === 'routine';
      s = {
        ...s,
        ratings: [...s.ratings, action.rating].slice(-10),
        lastRoutineTeamIds: routine ? action.teamIds : s.lastRoutineTeamIds,
        openRoutineInspectionId: s.openRoutineInspectionId === action.inspectionId ? undefined : s.openRoutineInspectionId,
      };
      s = { ...s, nextDueAt: nextInspectionDue(s, action.at, policy) };
      if (s.demonstration === 'none' && isDemonstrationCandidate(s, action.at, policy)) s = { ...s, demonstration: 'candidate' };
      break;
    }
    case 'rectification_opened':
      s = { ...s, openRectifications: [...new Set([...s.openRectifications, action.inspectionId])] };
      s = { ...s, nextDueAt: earlier(s.nextDueAt, nextInspectionDue(s, action.at, policy)) };
      break;
    case 'rectification_closed':
      s = { ...s, openRectifications: s.openRectifications.filter((id) => id !== action.inspectionId) };
      // A passing re-inspection lifts the suspension the same inspection imposed.
      if (s.status === 'suspended' && s.sanctions.some((x) => x.level === 'suspension' && x.inspectionId === action.inspectionId)) {
        s = { ...s, status: 'active' };
        s = { ...s, nextDueAt: nextInspectionDue(s, action.at, policy) };
      }
      break;
    case 'sanction': {
      const status = action.level === 'revocation' ? 'revoked' : action.level === 'suspension' ? 'suspended' : s.status;
      s = { ...s, status, sanctions: [...s.sanctions, { level: action.level, inspectionId: action.inspectionId, at: action.at }] };
      if (status !== 'active' && s.demonstration !== 'none') s = { ...s, demonstration: 'declined' };
      break;
    }
    case 'complaint_substantiated':
      s = { ...s, substantiatedComplaintsAt: [...s.substantiatedComplaintsAt, action.at] };
      s = { ...s, nextDueAt: earlier(s.nextDueAt, nextInspectionDue(s, action.at, policy)) };
      if (s.demonstration === 'candidate') s = { ...s, demonstration: 'none' };
      break;
  }
  return next(s, action.type, { ...action });
}

/** The station's row in the register, as the programme keeps it. */
export interface ProgrammeRow {
  stationId: number;
  status: StationStatus;
  rating: Rating | null;
  nextDueAt: string;
  demonstration: Demonstration;
  lastTeamIds: string[];
  version: number;
  /** The licence's validity as renewals move it (absent on programmes begun before the licence's life). */
  validUntil?: string;
}

export const programmeRules: CaseRules<ProgrammeState, ProgrammeAction, ProgrammePolicy, ProgrammeRow> = {
  statuses: ['active', 'suspended', 'lapsed', 'revoked'],
  check: checkProgrammeAction,
  apply: applyProgrammeAction,
  // Nobody is asked to act on a programme; its routine inspections are cases of their own.
  pendingOn: () => null,
  mailsFor: () => [],
  isFinal: (s) => s.status === 'revoked',
  deadline: (_before, after) => (after.status === 'active' ? { dueAt: after.nextDueAt, escalationLevel: 0 } : undefined),
  project: (s) => ({
    stationId: s.station.id,
    status: s.status,
    rating: s.ratings[s.ratings.length - 1] ?? null,
    nextDueAt: s.nextDueAt,
    demonstration: s.demonstration,
    lastTeamIds: s.lastRoutineTeamIds,
    version: s.version,
    ...(s.licence ? { validUntil: s.licence.validUntil } : {}),
  }),
};

/** Where the licence's own clock stands: the next reminder not yet sent, and expiry, each as epoch ms. */
export type LicenceStep = { type: 'remindLicence'; offset: string; at: number } | { type: 'lapseLicence'; at: number };

/**
 * The licence's next step, or null: reminders at each policy offset before validUntil (once per validity), then the lapse
 * at validUntil. An active station only: a renewal pending keeps it active past validUntil and needs no reminder; a
 * suspended station lapses when reinstated past its validity; a lapsed one waits for a renewal.
 */
export function nextLicenceStep(state: ProgrammeState, offsets: readonly string[]): LicenceStep | null {
  const licence = state.licence;
  if (!licence || state.status !== 'active' || licence.pendingRenewalId) return null;
  const expiry = Date.parse(licence.validUntil);
  const reminders = offsets
    .filter((o) => !licence.remindersSent.includes(o))
    .map((offset) => ({ type: 'remindLicence' as const, offset, at: expiry - durationMs(offset) }))
    .filter((r) => r.at < expiry)
    .sort((a, b) => a.at - b.at);
  return reminders[0] ?? { type: 'lapseLicence', at: expiry };
}
