import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../domain/policy';
import { evaluateWarnings, windowAt } from '../../domain/warnings';

/** The early-warning rules over counted facts, and the windows that key a warning. */
const rules = defaultPolicy.warning.rules;
const at = Date.parse('2026-11-29T10:00:00Z');

describe('warning windows', () => {
  it('every evaluation inside one aligned window gives the same key, the next window another', () => {
    const first = windowAt('P30D', at);
    expect(windowAt('P30D', at + 3_600_000).start).toBe(first.start);
    expect(windowAt('P30D', Date.parse(first.end) - 1).start).toBe(first.start);
    expect(windowAt('P30D', Date.parse(first.end)).start).toBe(first.end);
    // Facts are counted over the last 30 days whatever the key.
    expect(Date.parse(first.until) - Date.parse(first.since)).toBe(30 * 86_400_000);
  });

  it('day-long windows start at midnight in China', () => {
    expect(windowAt('P1D', at).start).toBe('2026-11-28T16:00:00.000Z');
  });
});

describe('warning rules', () => {
  it('fire at the threshold, not below it', () => {
    const facts = {
      complaints_per_station: [
        { stationId: 1, complaints: 3, complaintIds: ['a', 'b', 'c'] },
        { stationId: 2, complaints: 2, complaintIds: ['d', 'e'] },
      ],
      examiner_violations: [
        { examinerId: 'x', violations: 2 },
        { examinerId: 'y', violations: 1 },
      ],
    };
    expect(evaluateWarnings(rules, facts, at).map((f) => [f.rule, f.subjectType, f.subjectId])).toEqual([
      ['complaints_per_station', 'station', '1'],
      ['examiner_violations', 'examiner', 'x'],
    ]);
  });

  const row = (candidates: number, passed: number, historyCandidates: number, historyPassed: number, provinceCandidates = 0, provincePassed = 0) => ({
    stationId: 7,
    candidates,
    passed,
    historyCandidates,
    historyPassed,
    provinceCode: '440000',
    provinceCandidates,
    provincePassed,
  });
  const firings = (r: ReturnType<typeof row>) => evaluateWarnings(rules, { pass_rate_above_history: [r] }, at);

  it('a pass rate fires only above its history by more than the margin, over enough candidates on both sides', () => {
    const fired = (r: ReturnType<typeof row>) => firings(r).length;
    expect(fired(row(30, 30, 40, 20))).toBe(1);
    expect(fired(row(30, 23, 40, 20))).toBe(0); // 0.77 against 0.5: within the 0.3 margin
    expect(fired(row(30, 30, 10, 0))).toBe(0); // too little history to compare
    expect(fired(row(10, 10, 40, 0))).toBe(0); // too few candidates now
  });

  it("a pass rate fires above its province's by more than the province margin, with or without a history of its own", () => {
    // A new station (no history) at 100 % where the rest of its province passes 50 %.
    const [onlyProvince] = firings(row(30, 30, 0, 0, 400, 200));
    expect(onlyProvince.figures).toMatchObject({ passRate: 1, provinceRate: 0.5, provinceMargin: 0.3, exceeds: ['province'] });
    // Above both: one warning naming both comparisons.
    expect(firings(row(30, 30, 40, 20, 400, 200)).map((f) => f.figures.exceeds)).toEqual([['history', 'province']]);
    expect(firings(row(30, 23, 0, 0, 400, 200))).toEqual([]); // 0.77 against 0.5: within the margin
    expect(firings(row(30, 30, 0, 0, 10, 0))).toEqual([]); // too few candidates elsewhere in the province to compare
    // The province's margin is its own policy.
    const strict = { ...rules, pass_rate_above_history: { ...rules.pass_rate_above_history, provinceMargin: 0.2 } };
    expect(evaluateWarnings(strict, { pass_rate_above_history: [row(30, 23, 0, 0, 400, 200)] }, at)).toHaveLength(1);
  });

  it('a rule turned off fires nothing', () => {
    const off = { ...rules, mass_incident: { ...rules.mass_incident, enabled: false } };
    const facts = { mass_incident: [{ sessionId: 's', stationId: 1, complaints: 50, complaintIds: [] }] };
    expect(evaluateWarnings(rules, facts, at)).toHaveLength(1);
    expect(evaluateWarnings(off, facts, at)).toEqual([]);
  });
});
