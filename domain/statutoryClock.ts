import { durationMs } from './duration';
import { isWorkingDayDuration, workingDays } from './workingDays';

/**
 * The statutory clock (法定办理时限) of a licensing decision: the Administrative Licensing Law gives the authority 20
 * working days from acceptance, extendable once by 10, and the time the applicant takes to supply what is missing
 * (补正, a return) does not count. The clock runs in runs: one from acceptance, stopped when the application goes back
 * to the applicant, another from when it comes back, and so on until the decision (or a withdrawal) ends it.
 *
 * Pure: the workflow counts closed runs and resolves due times (working days through the calendar activities,
 * elapsed time by arithmetic) and records them with these functions.
 */

/** Working days (production: `P20WD`) are counted by the calendar; an ISO duration (seconds-scale tests) as elapsed milliseconds. */
export type ClockUnit = 'workingDays' | 'ms';

export interface ClockRun {
  from: string;
  to: string;
}

export interface StatutoryClock {
  unit: ClockUnit;
  /** The limit in its unit, the extension included once granted. */
  limit: number;
  /** Acceptance: when the completeness check passed. */
  startedAt: string;
  /** Time counted over the runs already closed and counted, in the unit. */
  used: number;
  /**
   * Runs closed but not counted yet (the workflow counts them right after the change that closed them; the last run,
   * closed by the decision, is counted when read). Empty almost always; bounded by the returns between two counts.
   */
  uncounted: ClockRun[];
  /** Set while the clock runs. */
  runningSince?: string;
  /** When the current run's time runs out; absent while stopped, or for a moment while the calendar resolves it. */
  dueAt?: string;
  /** The calendar version the current due time was counted in (working days only). */
  calendarVersion?: number;
  extension?: { amount: number; by: string; at: string; reasons: string[] };
  missedAt?: string;
  /** The decision (or a withdrawal, a rejection) stopped the clock for good. */
  endedAt?: string;
}

export function periodUnit(text: string): ClockUnit {
  return isWorkingDayDuration(text) ? 'workingDays' : 'ms';
}

export function periodAmount(text: string): number {
  return isWorkingDayDuration(text) ? workingDays(text) : durationMs(text);
}

/** The clock at acceptance, already running towards its first due time. */
export function startClock(limit: string, at: string, due: { dueAt: string; calendarVersion?: number }): StatutoryClock {
  return {
    unit: periodUnit(limit),
    limit: periodAmount(limit),
    startedAt: at,
    used: 0,
    uncounted: [],
    runningSince: at,
    dueAt: due.dueAt,
    ...(due.calendarVersion !== undefined ? { calendarVersion: due.calendarVersion } : {}),
  };
}

/** What is left of the limit once the counted time is taken off (never below none). */
export function remaining(clock: StatutoryClock): number {
  return Math.max(0, clock.limit - clock.used);
}

/**
 * The clock after the case moved from one status to another at `at`: it stops when the case goes back to the applicant,
 * starts again when it comes back, and ends with the case. `runs` says in which statuses the authority holds the case.
 */
export function advanceClock(clock: StatutoryClock, runsNow: boolean, final: boolean, at: string): StatutoryClock {
  if (clock.endedAt) return clock;
  const { runningSince, dueAt: _dueAt, calendarVersion: _version, ...rest } = clock;
  const closed = runningSince ? [...clock.uncounted, { from: runningSince, to: at }] : clock.uncounted;
  if (final) return { ...rest, uncounted: closed, endedAt: at };
  if (runningSince && !runsNow) return { ...rest, uncounted: closed };
  // Coming back: the new run's due time is resolved by the workflow once the closed runs are counted.
  if (!runningSince && runsNow) return { ...rest, runningSince: at };
  return clock;
}

/** The clock once the workflow counted closed runs (each removed from the uncounted by its bounds). */
export function countRuns(clock: StatutoryClock, counted: Array<{ run: ClockRun; amount: number }>): StatutoryClock {
  const same = (a: ClockRun, b: ClockRun) => a.from === b.from && a.to === b.to;
  const done = counted.filter((c) => clock.uncounted.some((r) => same(r, c.run)));
  return {
    ...clock,
    used: clock.used + done.reduce((sum, c) => sum + c.amount, 0),
    uncounted: clock.uncounted.filter((r) => !done.some((c) => same(r, c.run))),
  };
}

/** The due time of the run that began at `runningSince`, if that run still goes on. */
export function withDue(clock: StatutoryClock, runningSince: string, due: { dueAt: string; calendarVersion?: number }): StatutoryClock {
  if (clock.endedAt || clock.runningSince !== runningSince) return clock;
  return { ...clock, dueAt: due.dueAt, ...(due.calendarVersion !== undefined ? { calendarVersion: due.calendarVersion } : {}) };
}

/** Whether the workflow has something to count or resolve before the clock is as it should be. */
export function needsResolving(clock: StatutoryClock): boolean {
  return !clock.endedAt && (clock.uncounted.length > 0 || (clock.runningSince !== undefined && clock.dueAt === undefined));
}

/** Why an extension cannot be granted now, or null. */
export function extensionRefusal(clock: StatutoryClock | undefined): string | null {
  if (!clock) return 'this application has no statutory clock (it was not accepted, or began before the clock existed)';
  if (clock.endedAt) return 'the statutory clock has ended with the case';
  if (clock.extension) return `the statutory limit was already extended once (on ${clock.extension.at}); it may be extended only once`;
  if (clock.missedAt) return `the statutory limit already ran out at ${clock.missedAt}; an extension must be granted before it does`;
  return null;
}

/**
 * The clock after an extension of `amount` (in its unit): the limit grows, and a running clock's due time moves to
 * `due` (resolved from the due time it had when the extension was asked for, `was`), if the run is still the same.
 */
export function extendClock(
  clock: StatutoryClock,
  amount: number,
  ctx: { by: string; at: string; reasons: string[] },
  due?: { was: string; dueAt: string; calendarVersion?: number },
): StatutoryClock {
  const extended = { ...clock, limit: clock.limit + amount, extension: { amount, ...ctx } };
  if (!due || clock.dueAt !== due.was || clock.runningSince === undefined) return extended;
  return withDue(extended, clock.runningSince, due);
}

/** The figures a reader sees: time used (counted runs, closed runs and the current one up to `now`) and left, in the unit. */
export interface ClockFigures {
  unit: ClockUnit;
  limit: number;
  used: number;
  left: number;
  running: boolean;
  startedAt: string;
  dueAt: string | null;
  calendarVersion: number | null;
  extension: StatutoryClock['extension'] | null;
  missedAt: string | null;
  endedAt: string | null;
}

/** `count(from, to)` counts a stretch of time in the clock's unit (working days by the calendar in force, or milliseconds). */
export function clockFigures(clock: StatutoryClock, now: string, count: (from: string, to: string) => number): ClockFigures {
  const current = clock.runningSince && !clock.endedAt ? count(clock.runningSince, now) : 0;
  const used = clock.used + clock.uncounted.reduce((sum, r) => sum + count(r.from, r.to), 0) + current;
  return {
    unit: clock.unit,
    limit: clock.limit,
    used,
    left: clock.limit - used,
    running: clock.runningSince !== undefined && !clock.endedAt,
    startedAt: clock.startedAt,
    dueAt: clock.dueAt ?? null,
    calendarVersion: clock.calendarVersion ?? null,
    extension: clock.extension ?? null,
    missedAt: clock.missedAt ?? null,
    endedAt: clock.endedAt ?? null,
  };
}

/** Elapsed milliseconds, the unit of a seconds-scale clock. */
export const elapsedMs = (from: string, to: string) => Date.parse(to) - Date.parse(from);
