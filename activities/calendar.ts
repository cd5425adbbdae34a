import type { Db } from '../db/connect';
import { calendarInForce, calendarVersionInForce } from '../db/queries/calendars';
import { addWorkingDays, workingDaysBetween, type WorkingCalendar } from '../domain/workingDays';

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
    async workingDayDue(req: { from: string; days: number; provinceCode: string }): Promise<{ dueAt: string; calendarVersion: number }> {
      const calendar = await calendarFor(req.provinceCode);
      return { dueAt: addWorkingDays(calendar, req.from, req.days), calendarVersion: calendar.version };
    },

    /** Working days elapsed after the day of `from` up to and including the day of `to`. */
    async workingDaysUsed(req: { from: string; to: string; provinceCode: string }): Promise<{ days: number; calendarVersion: number }> {
      const calendar = await calendarFor(req.provinceCode);
      return { days: workingDaysBetween(calendar, req.from, req.to), calendarVersion: calendar.version };
    },
  };
}

export type CalendarActivities = ReturnType<typeof createCalendarActivities>;
