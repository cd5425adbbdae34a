/**
 * ISO-8601 durations (PnYnMnWnDTnHnMnS) to milliseconds. Every deadline in a workflow comes from
 * policy as such a string, so production says "P14D" and tests say "PT3S".
 * Calendar units are fixed lengths (a year is 365 days, a month 30): regulatory deadlines here are
 * counted in days, and a fixed length keeps workflow timers deterministic.
 */
const PATTERN =
  /^P(?!$)(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UNIT_MS = [365 * DAY, 30 * DAY, 7 * DAY, DAY, HOUR, MINUTE, SECOND];

export function isIsoDuration(text: string): boolean {
  return PATTERN.test(text);
}

export function durationMs(text: string): number {
  const match = PATTERN.exec(text);
  if (!match) throw new RangeError(`not an ISO-8601 duration: ${JSON.stringify(text)}`);
  return match.slice(1).reduce((total, part, i) => total + (part ? Math.round(Number(part) * UNIT_MS[i]) : 0), 0);
}
