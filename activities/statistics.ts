import type { Client, ScheduleHandle } from '@temporalio/client';
import type { Db } from '../db/connect';
import { summaryDrift, type SummaryDrift } from '../db/queries/statistics';
import type { StatisticsPolicy } from '../domain/policy';
import { statisticsScheduleId } from '../workflows/statisticsReconciliation.messages';
import { ensureIntervalSchedule } from './housekeeping';

/** The nightly reconciliation's reading: the summaries against their recomputation from the base tables. */
export function createStatisticsActivities(db: Db) {
  return {
    /** Up to `limit` drifted rows, and whether there were more. */
    async statisticsDrift(limit: number): Promise<{ drift: SummaryDrift[]; more: boolean }> {
      const drift = await summaryDrift(db, limit + 1);
      return { drift: drift.slice(0, limit), more: drift.length > limit };
    },
  };
}

export type StatisticsActivities = ReturnType<typeof createStatisticsActivities>;

const DAY_MS = 86_400_000;

/**
 * Creates the nightly reconciliation schedule for the task queue, or brings an existing one to the given policy (every
 * worker calls this at start). The run time is China's (UTC+8, no daylight saving), so a daily interval offset from UTC
 * midnight is exact and needs no time zone database on the Temporal server.
 */
export async function ensureStatisticsSchedule(temporal: Client, options: { taskQueue: string; policy: StatisticsPolicy }): Promise<ScheduleHandle> {
  const [hours, minutes] = options.policy.reconcileAt.split(':').map(Number);
  return ensureIntervalSchedule(temporal, {
    scheduleId: statisticsScheduleId(options.taskQueue),
    every: 'P1D',
    offset: (((hours - 8) * 60 + minutes) * 60_000 + DAY_MS) % DAY_MS,
    workflowType: 'statisticsReconciliation',
    taskQueue: options.taskQueue,
    args: [options.policy],
  });
}
