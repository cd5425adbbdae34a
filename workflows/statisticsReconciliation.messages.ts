import type { MailOutcome } from '../activities';
import type { SummaryDrift } from '../db/queries/statistics';

/** One schedule per task queue (tests share a namespace, each with its own queue); its runs get this id plus their time. */
export const statisticsScheduleId = (taskQueue: string) => `statistics-reconciliation:${taskQueue}`;

/** A run's result, on the schedule workflow's timeline: the drifted rows (at most the policy's number) and the mail sent. */
export interface ReconciliationResult {
  drift: SummaryDrift[];
  /** More rows drifted than are reported. */
  more: boolean;
  /** null when there was nothing to report. */
  mail: MailOutcome | null;
}
