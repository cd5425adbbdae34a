/** One schedule per task queue (tests share a namespace, each with its own queue); its runs get this id plus their time. */
export const quarterlyReportScheduleId = (taskQueue: string) => `quarterly-report:${taskQueue}`;

/**
 * The outbox's workflow key for a quarter's reports (each province a step of it): the same for every run, so a
 * province's report for a quarter is mailed once however often the run is retried or repeated.
 */
export const quarterlyReportMailKey = (quarter: string) => `quarterly-report:${quarter}`;
