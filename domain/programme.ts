import { z } from 'zod';
import type { Rating } from './checklist';
import { durationMs } from './duration';
import { invalid, notAllowed } from './errors';
import type { InspectionKind, Sanction, StationSnapshot } from './inspection';
import type { ProgrammePolicy } from './policy';
import type { ScopeEntry } from './stationApproval';

/** A station's supervision programme: the risk-based inspection cycle, its status, sanctions and sessions. */

export type StationStatus = 'active' | 'suspended' | 'revoked';
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
  site: z.object({ provinceCode: z.string().regex(/^\d{6}$/), cityCode: z.string().regex(/^\d{6}$/), address: z.string().trim().min(3).max(500) }),
  examinerIds: z.array(z.string().min(1).max(64)).min(1).max(50),
  expectedCandidates: z.number().int().min(1).max(10_000),
});
export type AppraisalSession = z.infer<typeof sessionSchema>;

/**
 * Why a station may not register a session (鉴定场次), or null: outside its licensed scope (超范围),
 * outside its region (跨地区), the station suspended or revoked, or an examiner not active.
 */
export function sessionRefusal(state: ProgrammeState, session: AppraisalSession, inactiveExaminerIds: string[], policy: ProgrammePolicy, today: string): Error | null {
  if (session.date < today) return invalid('date', `a session is registered before it is held; ${session.date} is past`);
  if (state.status !== 'active') return notAllowed(`the station is ${state.status}: it may not register appraisal sessions`);
  const licensed = state.station.scope.find((e) => e.occupationCode === session.occupationCode);
  if (!licensed) return notAllowed(`out of scope (超范围): occupation ${session.occupationCode} is not in the station's licence`);
  if (session.level < licensed.highestLevel) {
    return notAllowed(`out of scope (超范围): level ${session.level} is above the licensed level ${licensed.highestLevel} for ${session.occupationCode}`);
  }
  const field = policy.sessionRegion === 'city' ? 'cityCode' : 'provinceCode';
  if (session.site[field] !== state.station[field]) {
    return notAllowed(`cross-region (跨地区): the site ${session.site[field]} is outside the station's ${policy.sessionRegion} ${state.station[field]}`);
  }
  if (inactiveExaminerIds.length) return notAllowed(`examiner not active: ${inactiveExaminerIds.join(', ')}`);
  return null;
}
