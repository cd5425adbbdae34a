import { isDeepStrictEqual } from 'node:util';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleHandle } from '@temporalio/client';
import type { Db } from '../db/connect';
import { removeKeysClaimedBefore } from '../db/queries/idempotencyKeys';
import { removeWindowsEndedBefore } from '../db/queries/rateLimitWindows';
import { durationMs } from '../domain/duration';
import type { HousekeepingPolicy } from '../domain/policy';
import { housekeepingScheduleId } from '../workflows/housekeeping.messages';

/** The housekeeping workflow's deletes, one bounded statement per call. */
export function createHousekeepingActivities(db: Db) {
  return {
    async removeIdempotencyKeys(claimedBefore: string, limit: number): Promise<number> {
      return removeKeysClaimedBefore(db, new Date(claimedBefore), limit);
    },

    async removeRateLimitWindows(endedBefore: string, limit: number): Promise<number> {
      return removeWindowsEndedBefore(db, new Date(endedBefore), limit);
    },
  };
}

export type HousekeepingActivities = ReturnType<typeof createHousekeepingActivities>;

/**
 * Creates the housekeeping schedule for the task queue, or brings an existing one to the given policy:
 * every worker calls this at start, so several workers (or a restart) leave one schedule, not several.
 */
export async function ensureHousekeepingSchedule(temporal: Client, options: { taskQueue: string; policy: HousekeepingPolicy }): Promise<ScheduleHandle> {
  return ensureIntervalSchedule(temporal, {
    scheduleId: housekeepingScheduleId(options.taskQueue),
    every: options.policy.every,
    workflowType: 'housekeeping',
    taskQueue: options.taskQueue,
    args: [options.policy],
  });
}

/**
 * A schedule starting the workflow every interval (its runs get the schedule's id plus their time), created, or an
 * existing one brought to the given interval and arguments: several workers calling it leave one schedule.
 */
export async function ensureIntervalSchedule(
  temporal: Client,
  /** offset: milliseconds after each multiple of `every` since the epoch (UTC) at which runs fall, e.g. a time of day. */
  options: { scheduleId: string; every: string; offset?: number; workflowType: string; taskQueue: string; args: unknown[] },
): Promise<ScheduleHandle> {
  const { scheduleId } = options;
  const spec = { intervals: [{ every: durationMs(options.every), offset: options.offset ?? 0 }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: options.workflowType,
    workflowId: scheduleId,
    taskQueue: options.taskQueue,
    args: options.args,
  };
  try {
    // A run still going when the next falls due makes that one skipped, never a second run alongside.
    return await temporal.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = temporal.schedule.getHandle(scheduleId);
  const current = await handle.describe();
  const intervals = (current.spec.intervals ?? []).map((i) => ({ every: i.every, offset: i.offset }));
  const same =
    isDeepStrictEqual(intervals, spec.intervals) && current.action.taskQueue === options.taskQueue && isDeepStrictEqual(current.action.args, action.args);
  if (!same) await handle.update((previous) => ({ ...previous, spec, action }));
  return handle;
}
