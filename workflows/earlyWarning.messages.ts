import type { ComplaintPolicy, InspectionPolicy, WarningPolicy } from '../domain/policy';

/** One schedule per task queue (tests share a namespace, each with its own queue); its runs get this id plus their time. */
export const warningScheduleId = (taskQueue: string) => `early-warning:${taskQueue}`;

/** The rules, and the policies of the cases a warning opens. */
export interface EarlyWarningInput {
  warning: WarningPolicy;
  inspection: InspectionPolicy;
  complaint: ComplaintPolicy;
}
