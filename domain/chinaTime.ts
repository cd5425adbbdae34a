/** China Standard Time (UTC+8, no daylight saving): the calendar every date a user reads or a rule compares is in. */
const OFFSET_MS = 8 * 3_600_000;

/** The date (YYYY-MM-DD) in China of an instant: an ISO timestamp or epoch milliseconds. */
export function chinaDate(at: string | number): string {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}
