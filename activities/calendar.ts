import type { Db } from '../db/connect';
import { calendarInForce, calendarVersionInForce } from '../db/queries/calendars';
import { addWorkingDays, workingDaysBetween, type WorkingCalendar } from '../domain/workingDays';

export interface WorkingDayRequest {
  from: string;
  days: number;
  provinceCode: string;
}

export interface WorkingDayDue {
  dueAt: string;
  calendarVersion: number;
}

/** When a period of `days` working days from `from` is due on a calendar: the end (China time) of its last working day. */
function dueOn(calendar: WorkingCalendar, req: WorkingDayRequest): WorkingDayDue {
  return { dueAt: addWorkingDays(calendar, req.from, req.days), calendarVersion: calendar.version };
}

/**
 * The same due time outside a workflow, on the calendar in force read afresh: for the public complaint intake, which writes
 * the case's first row (and its first due time) before the workflow's first save, and must write what that save writes.
 */
export async function workingDayDueNow(db: Db, req: WorkingDayRequest): Promise<WorkingDayDue> {
  return dueOn(await calendarInForce(db, req.provinceCode), req);
}

/**
 * Working-day arithmetic over the calendar in force (the national calendar with the province's own days off). Workflows
 * call these when a working-day wait starts: the answer, with the calendar version it used, is recorded in history, so a
 * later correction changes only waits that start after it.
 */
export function createCalendarActivities({ db }: { db: Db }) {
  // Keyed by province and kept while its version is the one in force: each call asks only for the version (one indexed
  // MAX), so a correction is used by the very next wait, and the years of days are read again only after a publication.
  const cache = new Map<string, WorkingCalendar>();

  async function calendarFor(provinceCode: string): Promise<WorkingCalendar> {
    const version = await calendarVersionInForce(db, provinceCode);
    const cached = cache.get(provinceCode);
    if (cached?.version === version) return cached;
    const calendar = await calendarInForce(db, provinceCode);
    cache.set(provinceCode, calendar);
    return calendar;
  }

  return {
    /** When a period of `days` working days from `from` is due: the end (China time) of its last working day. */
    async workingDayDue(req: WorkingDayRequest): Promise<WorkingDayDue> {
      return dueOn(await calendarFor(req.provinceCode), req);
    },

    /** Working days elapsed after the day of `from` up to and including the day of `to`. */
    async workingDaysUsed(req: { from: string; to: string; provinceCode: string }): Promise<{ days: number; calendarVersion: number }> {
      const calendar = await calendarFor(req.provinceCode);
      return { days: workingDaysBetween(calendar, req.from, req.to), calendarVersion: calendar.version };
    },
  };
}

export type CalendarActivities = ReturnType<typeof createCalendarActivities>;
