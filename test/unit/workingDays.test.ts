import { describe, expect, it } from 'vitest';
import { durationMs } from '../../domain/duration';
import { policyWith } from '../../domain/policy';
import { addWorkingDays, isWorkingDay, isWorkingDayDuration, workingCalendar, workingDays, workingDaysBetween } from '../../domain/workingDays';

/**
 * Working-day arithmetic on fixed calendars: 2026 as the State Council published it (国办发明电〔2025〕7号), whose Spring
 * Festival runs Sunday 15 to Monday 23 February with make-up working Saturdays on 14 and 28 February, and a calendar with
 * weekends only to show what the holidays change.
 */
const cn2026 = workingCalendar(
  7,
  [
    ...['2026-01-01', '2026-01-02', '2026-01-03'],
    ...['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23'],
    ...['2026-04-04', '2026-04-05', '2026-04-06'],
    ...['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05'],
    ...['2026-06-19', '2026-06-20', '2026-06-21'],
    ...['2026-09-25', '2026-09-26', '2026-09-27'],
    ...['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  ],
  ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
);
const weekendsOnly = workingCalendar(0, [], []);
// Instants as a user in China states them.
const china = (local: string) => new Date(`${local}+08:00`).toISOString();

describe('working days around the 2026 Spring Festival', () => {
  it('knows the days off and the make-up Saturdays', () => {
    expect(isWorkingDay(cn2026, '2026-02-13')).toBe(true); // Friday before the holiday
    expect(isWorkingDay(cn2026, '2026-02-14')).toBe(true); // make-up Saturday
    expect(isWorkingDay(cn2026, '2026-02-16')).toBe(false); // Monday in the holiday
    expect(isWorkingDay(cn2026, '2026-02-23')).toBe(false); // the last day off is a Monday
    expect(isWorkingDay(cn2026, '2026-02-24')).toBe(true);
    expect(isWorkingDay(cn2026, '2026-02-28')).toBe(true); // make-up Saturday after
    expect(isWorkingDay(cn2026, '2026-03-01')).toBe(false); // an ordinary Sunday
    expect(isWorkingDay(weekendsOnly, '2026-02-16')).toBe(true);
    expect(isWorkingDay(weekendsOnly, '2026-02-14')).toBe(false);
  });

  it('ends a period at the end of its last working day, China time, the start day not counted', () => {
    const from = china('2026-02-12T10:00:00'); // Thursday
    expect(addWorkingDays(cn2026, from, 1)).toBe(china('2026-02-13T23:59:59.999'));
    expect(addWorkingDays(cn2026, from, 2)).toBe(china('2026-02-14T23:59:59.999'));
    expect(addWorkingDays(cn2026, from, 3)).toBe(china('2026-02-24T23:59:59.999'));
    expect(addWorkingDays(cn2026, from, 7)).toBe(china('2026-02-28T23:59:59.999'));
    expect(addWorkingDays(cn2026, from, 8)).toBe(china('2026-03-02T23:59:59.999'));
  });

  it('counts twenty working days across the festival: a week later than weekends alone would', () => {
    const from = china('2026-02-10T16:30:00'); // Tuesday afternoon
    expect(addWorkingDays(cn2026, from, 20)).toBe(china('2026-03-16T23:59:59.999'));
    expect(addWorkingDays(weekendsOnly, from, 20)).toBe(china('2026-03-10T23:59:59.999'));
  });

  it('takes the day of the start in China, not in UTC', () => {
    // 17:00 UTC on Friday 13 February is 01:00 on Saturday 14 February in China (a make-up working day).
    expect(addWorkingDays(cn2026, '2026-02-13T17:00:00.000Z', 1)).toBe(china('2026-02-24T23:59:59.999'));
    expect(addWorkingDays(cn2026, '2026-02-13T15:00:00.000Z', 1)).toBe(china('2026-02-14T23:59:59.999'));
  });

  it('crosses the new year onto a make-up Sunday', () => {
    expect(addWorkingDays(cn2026, china('2025-12-31T09:00:00'), 1)).toBe(china('2026-01-04T23:59:59.999'));
  });

  it('counts the working days used: none on the same day, the holiday not at all, negative backwards', () => {
    const from = china('2026-02-10T16:30:00');
    expect(workingDaysBetween(cn2026, from, china('2026-02-10T23:00:00'))).toBe(0);
    expect(workingDaysBetween(cn2026, china('2026-02-13T09:00:00'), china('2026-02-23T18:00:00'))).toBe(1);
    expect(workingDaysBetween(cn2026, china('2026-02-13T09:00:00'), china('2026-02-24T08:00:00'))).toBe(2);
    expect(workingDaysBetween(cn2026, from, china('2026-03-16T09:00:00'))).toBe(20);
    expect(workingDaysBetween(cn2026, china('2026-03-16T09:00:00'), from)).toBe(-20);
  });

  it('counts back what it added, for every period up to a quarter', () => {
    for (const start of ['2026-01-30T11:00:00', '2026-02-14T08:00:00', '2026-09-18T17:00:00']) {
      for (let n = 1; n <= 65; n++) expect(workingDaysBetween(cn2026, china(start), addWorkingDays(cn2026, china(start), n))).toBe(n);
    }
  });
});

describe('the P<n>WD policy form', () => {
  it('reads working-day periods and nothing else', () => {
    expect(isWorkingDayDuration('P20WD')).toBe(true);
    expect(workingDays('P20WD')).toBe(20);
    expect(workingDays('P5WD')).toBe(5);
    for (const text of ['P0WD', 'P20D', 'PT5S', 'P2.5WD', 'p20wd', 'P20WDT1H']) expect(isWorkingDayDuration(text)).toBe(false);
    expect(() => workingDays('P20D')).toThrow(RangeError);
  });

  it('is never taken for calendar days by the ISO duration reader', () => {
    expect(() => durationMs('P20WD')).toThrow(RangeError);
  });

  it('is a step deadline in policy, and refused where a period is not a step', () => {
    const policy = policyWith({ stationApproval: { deadlines: { documentReview: 'P20WD' } }, complaint: { sla: { normal: 'P15WD' } } });
    expect(policy.stationApproval.deadlines.documentReview).toBe('P20WD');
    expect(policy.complaint.sla.normal).toBe('P15WD');
    expect(policyWith({ stationApproval: { deadlines: { resubmission: 'P20WD' } } }).stationApproval.deadlines.resubmission).toBe('P20WD');
    expect(() => policyWith({ stationApproval: { licenceValidity: 'P20WD' } })).toThrow(/ISO-8601/);
  });
});
