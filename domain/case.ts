import type { Actor, Role } from './roles';

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
  dueAt: string;
  escalationLevel: number;
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
