import { api } from './api';
import type { Pending } from './cases';
import { h } from './dom';
import { currentLocale, formatTime, t } from './messages';

/**
 * A step's due time as the case page shows it: a time for an ISO period; for a working-day period (`P<n>WD`, due at the
 * end of a China day) the date, the period and the working days left, counted by the API on the published calendar.
 */
export function dueValue(pending: Pending, province: string | null): HTMLElement | string {
  if (!pending.dueAt) return '—';
  if (!pending.workingDays) return formatTime(pending.dueAt);
  const date = new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', timeZone: 'Asia/Shanghai' }).format(new Date(pending.dueAt));
  const left = h('span', { 'data-working-days-left': '' });
  const query = new URLSearchParams({ from: new Date().toISOString(), to: pending.dueAt, ...(province ? { province } : {}) });
  void api<{ days: number }>('GET', `/v1/working-days?${query}`).then(
    ({ days }) => {
      const overdue = Date.parse(pending.dueAt!) < Date.now();
      left.textContent = overdue ? t('due.workingDaysOver', { days: Math.abs(days) }) : t('due.workingDaysLeft', { days });
    },
    // Without the count the date still stands.
    () => undefined,
  );
  return h(
    'span',
    { 'data-due': pending.dueAt },
    h('strong', {}, date),
    ' ',
    t('due.workingDaysPeriod', { days: pending.workingDays, version: pending.calendarVersion ?? '—' }),
    ' ',
    left,
  );
}
