import { describe, it, expect } from 'vitest';
import { durationMs, isIsoDuration } from '../../domain/duration';

const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('durationMs', () => {
  it('converts the production deadline P14D to 14 days', () => {
    expect(durationMs('P14D')).toBe(1_209_600_000);
  });

  it('converts second-long test deadlines', () => {
    expect(durationMs('PT5S')).toBe(5_000);
    expect(durationMs('PT1.5S')).toBe(1_500);
  });

  it('counts a year as 365 days and a month as 30 days', () => {
    expect(durationMs('P1Y')).toBe(31_536_000_000);
    expect(durationMs('P1Y')).toBe(365 * DAY);
    expect(durationMs('P1M')).toBe(2_592_000_000);
    expect(durationMs('P3Y')).toBe(1095 * DAY);
  });

  it('distinguishes M before T (months) from M after T (minutes)', () => {
    expect(durationMs('P1M')).toBe(30 * DAY);
    expect(durationMs('PT1M')).toBe(60 * SECOND);
  });

  it('converts weeks', () => {
    expect(durationMs('P2W')).toBe(1_209_600_000);
    expect(durationMs('P2W')).toBe(durationMs('P14D'));
  });

  it('adds date and time parts together', () => {
    // 1 day + 2 hours + 30 minutes = 86 400 000 + 7 200 000 + 1 800 000
    expect(durationMs('P1DT2H30M')).toBe(95_400_000);
    expect(durationMs('PT2H')).toBe(2 * HOUR);
  });

  it.each(['', 'P', 'PT', '5s', 'P1H', '14D', 'P1DT', 'p14d', ' P14D', 'P-1D'])('throws RangeError for %j', (bad) => {
    expect(() => durationMs(bad)).toThrow(RangeError);
  });

  it('names the rejected text in the error', () => {
    expect(() => durationMs('14D')).toThrow(/not an ISO-8601 duration: "14D"/);
  });
});

describe('isIsoDuration', () => {
  it.each(['P14D', 'PT5S', 'PT1.5S', 'P1Y', 'P1M', 'P2W', 'P1DT2H30M', 'PT0S'])('accepts %j', (good) => {
    expect(isIsoDuration(good)).toBe(true);
  });

  it.each([
    ['', 'empty string'],
    ['P', 'designator with no parts'],
    ['PT', 'time designator with no parts'],
    ['5s', 'shorthand seconds'],
    ['P1H', 'hours without T'],
    ['14D', 'missing P'],
    ['P1DT', 'dangling T'],
  ])('rejects %j (%s)', (bad) => {
    expect(isIsoDuration(bad)).toBe(false);
  });
});
