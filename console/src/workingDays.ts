import { chinaDate } from '../../domain/chinaTime';
import { workingCalendar, workingDaysBetween, type WorkingCalendar } from '../../domain/workingDays';
import { api } from './api';
import type { Pending } from './cases';
import { h } from './dom';
import { currentLocale, formatTime, t } from './messages';

/**
 * Due times as the console shows them: the date in China (where working-day periods end, at the end of a China day) and
 * the working days left, counted in the console by the domain's own rule over the published calendar in force for the
 * case's province, so a list of many cases asks for the calendar once, not a count per row.
 */

/** The calendar in force for a province (else the national one), each fetched at most once: one per page load. */
export type Calendars = (provinceCode: string | null | undefined) => Promise<WorkingCalendar>;

export function calendars(): Calendars {
  const loaded = new Map<string, Promise<WorkingCalendar>>();
  return (provinceCode) => {
    // A city's cases count in its province's calendar.
    const province = provinceCode && /^\d{6}$/.test(provinceCode) ? `${provinceCode.slice(0, 2)}0000` : '';
    let calendar = loaded.get(province);
    if (!calendar) {
      calendar = api<{ version: number; holidays: string[]; workdays: string[] }>(
        'GET',
        `/v1/working-days/calendar${province ? `?${new URLSearchParams({ province })}` : ''}`,
      ).then((c) => workingCalendar(c.version, c.holidays, c.workdays));
      loaded.set(province, calendar);
    }
    return calendar;
  };
}

/** Working days left until a due time, or by how many it is overdue (less than one: the due day, or days off since). */
export function workingDaysLeft(calendar: WorkingCalendar, dueAt: string, now = Date.now()): string {
  const days = workingDaysBetween(calendar, new Date(now).toISOString(), dueAt);
  if (Date.parse(dueAt) < now) return days === 0 ? t('due.workingDaysOverLess') : t('due.workingDaysOver', { days: -days });
  return chinaDate(dueAt) === chinaDate(now) ? t('due.today') : t('due.workingDaysLeft', { days });
}

const chinaTime = (iso: string, time: boolean) =>
  new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', ...(time ? { timeStyle: 'short' } : {}), timeZone: 'Asia/Shanghai' }).format(new Date(iso));

/**
 * A due time's date in China with the working days left, filled in once the calendar is in (without it the date still
 * stands); `period` goes between them. The exact time stays in the title.
 */
export function dueDate(dueAt: string | null | undefined, provinceCode: string | null | undefined, calendar: Calendars, period?: string): HTMLElement | string {
  if (!dueAt) return '—';
  const left = h('span', { 'data-working-days-left': '' });
  calendar(provinceCode).then(
    (c) => {
      left.textContent = workingDaysLeft(c, dueAt);
    },
    () => undefined,
  );
  return h(
    'span',
    { 'data-due': dueAt },
    h('time', { datetime: dueAt, title: chinaTime(dueAt, true) }, chinaTime(dueAt, false)),
    period ? [' ', period] : null,
    ' ',
    left,
  );
}

/**
 * A step's due time as the case page shows it: a time for an ISO period; for a working-day period (`P<n>WD`) the date,
 * the period and the working days left.
 */
export function dueValue(pending: Pending, province: string | null): HTMLElement | string {
  if (!pending.dueAt) return '—';
  if (!pending.workingDays) return formatTime(pending.dueAt);
  return dueDate(pending.dueAt, province, calendars(), t('due.workingDaysPeriod', { days: pending.workingDays, version: pending.calendarVersion ?? '—' }));
}
