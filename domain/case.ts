import type { Actor, Role } from './roles';
import { durationMs } from './duration';
import { isWorkingDayDuration, workingDays } from './workingDays';

/** What every case shares: a status, a version that grows with each change, and its timeline. */
export interface TimelineEntry {
  seq: number;
  at: string;
  action: string;
  actorId: string;
  actorRole: Role | 'system';
  requestId?: string;
  /** The case's status before and after this entry, for the audit trail. */
  statusBefore?: string;
  statusAfter?: string;
  data?: Record<string, unknown>;
}

export interface CaseRecord {
  version: number;
  timeline: TimelineEntry[];
}

export interface ActionContext {
  actor: Actor;
  /** The role the actor acts in; system steps have none. */
  role?: Role;
  at: string;
  requestId?: string;
}

/** Who must act next on a case. */
export interface Pending<A extends string = string> {
  action: A;
  role: Role;
  userIds: string[];
}

export interface Deadline {
  /** When the step is due; while a working-day period is unresolved (below), the instant the period starts. */
  dueAt: string;
  escalationLevel: number;
  /** A period counted in working days (policy `P<n>WD`): how many. */
  workingDays?: number;
  /** The published calendar the working-day due time was computed with; absent while unresolved. */
  calendarVersion?: number;
}

export const SYSTEM: Actor = { id: 'system', roles: [] };

/**
 * Appends a timeline entry and bumps the version; every change to a case goes through here. `state`
 * is the case after the change: its status is the entry's "after", the previous entry's is its "before".
 */
export function record<S extends CaseRecord>(state: S, action: string, ctx: ActionContext, data?: Record<string, unknown>): S {
  const statusBefore = state.timeline.at(-1)?.statusAfter;
  const statusAfter = (state as { status?: unknown }).status;
  const entry: TimelineEntry = {
    seq: state.version + 1,
    at: ctx.at,
    action,
    actorId: ctx.actor.id,
    actorRole: ctx.role ?? 'system',
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    ...(statusBefore ? { statusBefore } : {}),
    ...(typeof statusAfter === 'string' ? { statusAfter } : {}),
    ...(data ? { data } : {}),
  };
  return { ...state, version: state.version + 1, timeline: [...state.timeline, entry] };
}

/**
 * The escalation ladder of cases begun before the jurisdiction tree: level 1 goes to the supervisors,
 * higher levels to the authority's duty mailbox; a step held by supervisors themselves goes straight to
 * the duty mailbox. Past the policy's last level nobody new is told (the holder is still reminded).
 */
export function escalationTarget(level: number, holderRole: Role, maxLevel: number): 'supervisors' | 'duty_mailbox' | null {
  const rung = escalationRung(level, holderRole, maxLevel);
  if (rung === null) return null;
  return rung === 1 ? 'supervisors' : 'duty_mailbox';
}

/** The rung a missed deadline reaches: its level, one higher when supervisors hold the step; none past the last level. */
export function escalationRung(level: number, holderRole: Role, maxLevel: number): number | null {
  if (level > maxLevel) return null;
  return holderRole === 'supervisor' ? level + 1 : level;
}

/**
 * A period of a step that starts at `at` (ms), at the given escalation level. A working-day period (`P<n>WD`) needs the
 * published calendar, which rules cannot read: it comes back unresolved, and the workflow runtime resolves it through the
 * calendar activity before anything waits on it or writes it (workflows/caseRuntime.ts).
 */
export function periodFrom(at: number, period: string, escalationLevel: number): Deadline {
  if (isWorkingDayDuration(period)) return { dueAt: new Date(at).toISOString(), escalationLevel, workingDays: workingDays(period) };
  return { dueAt: new Date(at + durationMs(period)).toISOString(), escalationLevel };
}

/** A working-day period whose due time is still to be computed from the calendar (its dueAt is when it starts). */
export function isUnresolvedDeadline(deadline: Deadline): boolean {
  return deadline.workingDays !== undefined && deadline.calendarVersion === undefined;
}

/** A working-day period with the due time the calendar gave it (the calendar activity's, or the public intake's own). */
export function resolvedPeriod(period: Deadline, due: { dueAt: string; calendarVersion: number }): Deadline {
  return { ...period, dueAt: due.dueAt, calendarVersion: due.calendarVersion };
}

/** A mail a timeline entry calls for: its key is unique within the case (the outbox key). */
export interface CaseMail {
  key: string;
  to: string[];
  notice: { subject: string; text: string };
}

/**
 * What a case writes to MySQL: its row projection (the case without its timeline, bounded in size) and only
 * the timeline entries not yet written, so each save is the same size however long the case has run and the
 * workflow's history grows linearly with its steps. The row keeps the highest version it has seen.
 */
export interface CaseSave<P> {
  case: P;
  pending: Pending | null;
  deadline: Deadline | null;
  createdAt: string;
  updatedAt: string;
  events: TimelineEntry[];
}

/**
 * The pure rules of one process, the same shape for every process (see workflows/caseRuntime.ts, which
 * runs them): its statuses, how an action is checked and applied, who must act next, what mail an entry
 * calls for, whether the case has ended, how long its current step may take, and its row projection.
 */
export interface CaseRules<S extends CaseRecord & { status: string }, A extends { type: string }, Policy, P = Omit<S, 'timeline'>> {
  statuses: readonly S['status'][];
  check(state: S, action: A, actor: Actor, policy: Policy, at: string): void;
  apply(state: S, action: A, ctx: ActionContext, policy: Policy): S;
  pendingOn(state: S): Pending | null;
  mailsFor(entry: TimelineEntry, state: S, policy: Policy): CaseMail[];
  isFinal(state: S): boolean;
  /**
   * The due time after a change from `before` to `after` at `at` (ms): a new period when the case moved to
   * another step, else the current one (possibly moved, as an extension moves an SLA); none while nobody must act.
   */
  deadline(before: S | undefined, after: S, current: Deadline | undefined, policy: Policy, at: number): Deadline | undefined;
  project(state: S): P;
  /**
   * Actions whose entry states the due time of the period it begins (a notice prints it as a date): the runtime records
   * the resolved due time on the entry as `data.dueAt` before the entry is mailed or written, so the mail, the case and
   * any document read one due time (see `statedDue` in domain/notices.ts).
   */
  statesDue?: readonly string[];
  /** For processes whose steps are statuses held under policy deadlines (see workflows/caseRuntime.ts holdStatus). */
  hold?: HoldRules<S>;
}

/** A policy with a deadline per waiting step and an escalation ladder. */
export interface StepPolicy {
  deadlines: Record<string, string>;
  escalation: { maxLevel: number; dutyMailbox: string };
}

/** How a step held in a status is named, reminded and escalated when its deadline passes. */
export interface HoldRules<S extends CaseRecord & { status: string }> {
  /** The policy deadline (a key of the policy's `deadlines`) of each status the case waits in. */
  deadlines: Partial<Record<S['status'], string>>;
  /** The case as reminders and escalations name it. */
  label(state: S): string;
  /** Where the case is: escalation climbs from here. */
  region(state: S): { provinceCode: string; cityCode: string };
  /** Who holds the step: people named on the case, or a role's officials at places. */
  holders(state: S, pending: Pending): { emails: string[] } | { role: Role; at: string | string[] };
  /** The case's own consequence of a missed step (a withdrawal, a sanction proposal), ending the wait; null to escalate. */
  missed(state: S, pending: Pending, dueAt: string, at: string): S | null;
}

/** The due time of cases whose steps are statuses: a new period whenever the status changes, none where nobody waits. */
export function deadlineByStatus<S extends CaseRecord & { status: string }>(deadlines: Partial<Record<S['status'], string>>) {
  return (before: S | undefined, after: S, current: Deadline | undefined, policy: StepPolicy, at: number): Deadline | undefined => {
    if (before && before.status === after.status) return current;
    const key = deadlines[after.status as S['status']];
    return key ? periodFrom(at, policy.deadlines[key], 0) : undefined;
  };
}

/** The row projection of most cases: everything but the timeline. */
export function withoutTimeline<S extends CaseRecord>(state: S): Omit<S, 'timeline'> {
  const { timeline: _timeline, ...rest } = state;
  return rest;
}

/**
 * The rule for every action one process takes on another (a finding suspending an examiner, starting an inspection,
 * invalidating a certificate, proposing a sanction, telling a station's programme; an inspection's sanction on its
 * station): act, then read the target back and report what actually changed (`applied: true`, with what was read);
 * an action that could not be applied reports why (`applied: false`). The acting case records either on its
 * timeline, the failure as its own entry (`…_failed`), so the person who took the decision reads on the case what
 * happened, never a change that did not happen.
 */
export type ActionReport = { applied: true; result: Record<string, unknown> } | { applied: false; reason: string };
