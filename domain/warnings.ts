import { durationMs } from './duration';
import type { WarningRules } from './policy';

/**
 * Early warning (预警): the rules of policy `warning` evaluated over facts counted from the registers. Pure: the counting
 * is db/queries/warnings.ts's, the recording and the cases activities/warnings.ts's.
 */
export const WARNING_RULES = [
  'complaints_per_station',
  'pass_rate_above_history',
  'serious_irregularity',
  'examiner_violations',
  'blank_stock_mismatch',
  'mass_incident',
] as const;
export type WarningRule = (typeof WARNING_RULES)[number];
export type WarningSubject = 'station' | 'examiner' | 'session';
export const WARNING_STATUSES = ['open', 'dismissed'] as const;
export type WarningStatus = (typeof WARNING_STATUSES)[number];

/** What each rule's subject is: the mass-incident rule watches a session, the examiner rule an examiner, the others a station. */
export const SUBJECT_OF: Record<WarningRule, WarningSubject> = {
  complaints_per_station: 'station',
  pass_rate_above_history: 'station',
  serious_irregularity: 'station',
  examiner_violations: 'examiner',
  blank_stock_mismatch: 'station',
  mass_incident: 'session',
};

/** Facts counted over a rule's window (rows already at or above the threshold, to keep them few). */
export interface WarningFacts {
  complaints_per_station: Array<{ stationId: number; complaints: number; complaintIds: string[] }>;
  /** `province…`: the other stations of the station's province over the same window. */
  pass_rate_above_history: Array<{
    stationId: number;
    candidates: number;
    passed: number;
    historyCandidates: number;
    historyPassed: number;
    provinceCode: string;
    provinceCandidates: number;
    provincePassed: number;
  }>;
  serious_irregularity: Array<{ stationId: number; reports: number; sessionIds: string[] }>;
  examiner_violations: Array<{ examinerId: string; violations: number }>;
  blank_stock_mismatch: Array<{ stationId: number; stocktakes: number; stocktakeIds: string[] }>;
  mass_incident: Array<{ sessionId: string; stationId: number | null; complaints: number; complaintIds: string[] }>;
}

export interface Window {
  /** Where facts are counted from (the window's length back from the evaluation). */
  since: string;
  until: string;
  /** The key's window: aligned to the window's length on China days, so every evaluation inside it gives the same key. */
  start: string;
  end: string;
}

export interface Firing {
  rule: WarningRule;
  subjectType: WarningSubject;
  subjectId: string;
  window: Window;
  /** The figures that triggered it, kept on the warning. */
  figures: Record<string, unknown>;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The window of a rule at an instant: facts over the last `window`, keyed by the aligned period the instant falls in. */
export function windowAt(window: string, at: number): Window {
  const length = durationMs(window);
  const start = Math.floor((at + CHINA_OFFSET_MS) / length) * length - CHINA_OFFSET_MS;
  return {
    since: new Date(at - length).toISOString(),
    until: new Date(at).toISOString(),
    start: new Date(start).toISOString(),
    end: new Date(start + length).toISOString(),
  };
}

/** The rules turned on, each with its window at the instant. */
export function activeWindows(rules: WarningRules, at: number): Array<{ rule: WarningRule; window: Window }> {
  return WARNING_RULES.filter((rule) => rules[rule].enabled).map((rule) => ({ rule, window: windowAt(rules[rule].window, at) }));
}

const rate = (passed: number, candidates: number) => (candidates ? passed / candidates : 0);
const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** The rules' firings over the counted facts; a rule turned off fires nothing, whatever its facts. */
export function evaluateWarnings(rules: WarningRules, facts: Partial<WarningFacts>, at: number): Firing[] {
  const firings: Firing[] = [];
  const fire = (rule: WarningRule, subjectId: string | number, figures: Record<string, unknown>) => {
    const r = rules[rule];
    firings.push({
      rule,
      subjectType: SUBJECT_OF[rule],
      subjectId: String(subjectId),
      window: windowAt(r.window, at),
      figures: { window: r.window, ...figures },
    });
  };
  const on = <R extends WarningRule>(rule: R): WarningFacts[R] => (rules[rule].enabled ? (facts[rule] ?? []) : []);

  const complaints = rules.complaints_per_station;
  for (const f of on('complaints_per_station'))
    if (f.complaints >= complaints.threshold) fire('complaints_per_station', f.stationId, { threshold: complaints.threshold, ...f });

  // Far above its own history or its province's: each comparison only over enough candidates on both sides.
  const pass = rules.pass_rate_above_history;
  for (const f of on('pass_rate_above_history')) {
    if (f.candidates < pass.minCandidates) continue;
    const passRate = rate(f.passed, f.candidates);
    const historyRate = rate(f.historyPassed, f.historyCandidates);
    const provinceRate = rate(f.provincePassed, f.provinceCandidates);
    const exceeds = [
      ...(f.historyCandidates >= pass.minCandidates && passRate - historyRate > pass.margin ? ['history'] : []),
      ...(f.provinceCandidates >= pass.minCandidates && passRate - provinceRate > pass.provinceMargin ? ['province'] : []),
    ];
    if (exceeds.length)
      fire('pass_rate_above_history', f.stationId, {
        margin: pass.margin,
        provinceMargin: pass.provinceMargin,
        minCandidates: pass.minCandidates,
        history: pass.history,
        ...f,
        passRate: round(passRate),
        historyRate: round(historyRate),
        provinceRate: round(provinceRate),
        exceeds,
      });
  }

  const serious = rules.serious_irregularity;
  for (const f of on('serious_irregularity'))
    if (f.reports >= serious.threshold) fire('serious_irregularity', f.stationId, { threshold: serious.threshold, ...f });

  const violations = rules.examiner_violations;
  for (const f of on('examiner_violations'))
    if (f.violations >= violations.threshold) fire('examiner_violations', f.examinerId, { threshold: violations.threshold, ...f });

  const stock = rules.blank_stock_mismatch;
  for (const f of on('blank_stock_mismatch'))
    if (f.stocktakes >= stock.threshold) fire('blank_stock_mismatch', f.stationId, { threshold: stock.threshold, ...f });

  const mass = rules.mass_incident;
  for (const f of on('mass_incident')) if (f.complaints >= mass.threshold) fire('mass_incident', f.sessionId, { threshold: mass.threshold, ...f });

  return firings;
}

/** The case a firing opens: a complaint on the emergency path for a mass-incident risk, one naming the examiner, else an ad-hoc inspection. */
export function caseKindOf(rule: WarningRule): 'inspection' | 'emergency_complaint' | 'examiner_complaint' {
  if (rule === 'mass_incident') return 'emergency_complaint';
  if (rule === 'examiner_violations') return 'examiner_complaint';
  return 'inspection';
}
