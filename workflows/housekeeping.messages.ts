/** One schedule per task queue (tests share a namespace, each with its own queue); its runs get this id plus their time. */
export const housekeepingScheduleId = (taskQueue: string) => `housekeeping:${taskQueue}`;
