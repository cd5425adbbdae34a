import { chinaDate } from './chinaTime';

/**
 * Working days (工作日) in China time: Monday to Friday, less the public holidays, plus the make-up working days (调休)
 * published on weekends. Statutory periods counted in working days ("20 个工作日") use this, never calendar days.
 */
export interface WorkingCalendar {
  /** The published calendar this was built from (the highest publication in force), recorded with every due time. */
  version: number;
  /** Days off ('YYYY-MM-DD'); a weekend listed here changes nothing. */
  holidays: Set<string>;
  /** Make-up working days on weekends (调休). */
  workdays: Set<string>;
}

const DAY_MS = 86_400_000;
// The end of a China day is 15:59:59.999 UTC of the same date (UTC+8, no daylight saving).
const END_OF_CHINA_DAY_MS = 16 * 3_600_000 - 1;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDay(day: string): boolean {
  return DAY_PATTERN.test(day) && new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;
}

function assertDay(day: string): void {
  if (!isIsoDay(day)) throw new RangeError(`not a date (YYYY-MM-DD): ${JSON.stringify(day)}`);
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(cal: WorkingCalendar, day: string): boolean {
  assertDay(day);
  if (cal.workdays.has(day)) return true;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !cal.holidays.has(day);
}

/** The last instant (23:59:59.999 China time) of a China day, as an ISO timestamp. */
export function endOfChinaDay(day: string): string {
  assertDay(day);
  return new Date(Date.parse(`${day}T00:00:00Z`) + END_OF_CHINA_DAY_MS).toISOString();
}

/** The n-th working day after the China day of `fromIso` (the day itself when n is 0). */
export function nthWorkingDayAfter(cal: WorkingCalendar, fromIso: string, n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${n}`);
  let day = chinaDate(fromIso);
  for (let counted = 0; counted < n;) {
    day = nextDay(day);
    if (isWorkingDay(cal, day)) counted++;
  }
  return day;
}

/**
 * Due instant of a period of n working days starting at `fromIso`: the END of the n-th working day after the day of
 * `fromIso` (23:59:59.999 China time), so the day the period starts never counts and a period never ends mid-morning.
 */
export function addWorkingDays(cal: WorkingCalendar, fromIso: string, n: number): string {
  return endOfChinaDay(nthWorkingDayAfter(cal, fromIso, n));
}

/**
 * Whole working days elapsed after the China day of `fromIso`, up to and including the day of `toIso`: 0 on the same day,
 * negative when `toIso` is on an earlier day.
 */
export function workingDaysBetween(cal: WorkingCalendar, fromIso: string, toIso: string): number {
  const from = chinaDate(fromIso);
  const to = chinaDate(toIso);
  if (to < from) return -workingDaysBetween(cal, toIso, fromIso);
  let days = 0;
  for (let day = from; day < to;) {
    day = nextDay(day);
    if (isWorkingDay(cal, day)) days++;
  }
  return days;
}

/** Policy form of a working-day period: `P<n>WD` (P20WD is twenty working days). */
const WD_PATTERN = /^P([1-9]\d{0,3})WD$/;

export function isWorkingDayDuration(text: string): boolean {
  return WD_PATTERN.test(text);
}

export function workingDays(text: string): number {
  const match = WD_PATTERN.exec(text);
  if (!match) throw new RangeError(`not a working-day period (P<n>WD): ${JSON.stringify(text)}`);
  return Number(match[1]);
}

/** A calendar from published day lists (the API's and the store's form). */
export function workingCalendar(version: number, holidays: Iterable<string>, workdays: Iterable<string>): WorkingCalendar {
  return { version, holidays: new Set(holidays), workdays: new Set(workdays) };
}
