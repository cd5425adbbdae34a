import { invalid } from './errors';
import { NATIONAL, coversJurisdiction, scopeOf } from './jurisdiction';

/**
 * Statistics (实时统计, issue 19): the subjects and their figures, the periods they are summed over and the places they
 * drill through (nation → provinces → cities). Pure: the figures themselves come from the summary tables.
 */
export const STATISTICS_SUBJECTS = ['sessions', 'certificates', 'blankForms'] as const;
export type StatisticsSubject = (typeof STATISTICS_SUBJECTS)[number];

export const BREAKDOWNS = ['place', 'occupation', 'level'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/** Where a figure comes from: a daily metric summed over the period, or a count as it stands now (`stat_current`, one `k`). */
export type FigureSource = { daily: string } | { current: string; k: string } | { ratio: [string, string] };

export interface Figure {
  key: string;
  zh: string;
  en: string;
  source: FigureSource;
}

/** Each subject's figures, in the order tables and sheets show them. */
export const SUBJECT_FIGURES: Record<StatisticsSubject, readonly Figure[]> = {
  sessions: [
    { key: 'held', zh: '举办场次', en: 'Sessions held', source: { daily: 'session_held' } },
    { key: 'candidates', zh: '参加人数', en: 'Candidates', source: { daily: 'session_candidates' } },
    { key: 'passed', zh: '合格人数', en: 'Passed', source: { daily: 'session_passed' } },
    { key: 'passRate', zh: '合格率', en: 'Pass rate', source: { ratio: ['passed', 'candidates'] } },
    { key: 'supervised', zh: '派驻质量督导员场次', en: 'With a quality supervisor', source: { daily: 'session_supervised' } },
    { key: 'withSignals', zh: '有虚假鉴定线索场次', en: 'With fraud signals', source: { daily: 'session_signals' } },
  ],
  certificates: [
    { key: 'issued', zh: '发证数', en: 'Issued', source: { daily: 'certificate_issued' } },
    { key: 'revoked', zh: '撤销数', en: 'Revoked', source: { daily: 'certificate_revoked' } },
    { key: 'valid', zh: '有效证书（现有）', en: 'Valid (now)', source: { current: 'certificates_by_status', k: 'valid' } },
    { key: 'replaced', zh: '已换发证书（现有）', en: 'Replaced (now)', source: { current: 'certificates_by_status', k: 'replaced' } },
  ],
  blankForms: [
    { key: 'province', zh: '省级库存空白证书', en: 'Held by the province', source: { current: 'blank_forms', k: 'province' } },
    { key: 'station', zh: '鉴定站在库空白证书', en: 'Held by stations', source: { current: 'blank_forms', k: 'station' } },
    { key: 'printed', zh: '已打印', en: 'Printed', source: { current: 'blank_forms', k: 'printed' } },
    { key: 'voided', zh: '已作废', en: 'Voided', source: { current: 'blank_forms', k: 'voided' } },
  ],
};

export const SUBJECT_LABELS: Record<StatisticsSubject, { zh: string; en: string }> = {
  sessions: { zh: '鉴定场次', en: 'Appraisal sessions' },
  certificates: { zh: '职业资格证书', en: 'Certificates' },
  blankForms: { zh: '空白证书', en: 'Blank certificate forms' },
};

/** The daily metrics and current counts a subject reads. */
export function subjectSources(subject: StatisticsSubject): { daily: string[]; current: Array<{ metric: string; k: string }> } {
  const daily: string[] = [];
  const current: Array<{ metric: string; k: string }> = [];
  for (const { source } of SUBJECT_FIGURES[subject]) {
    if ('daily' in source) daily.push(source.daily);
    if ('current' in source) current.push({ metric: source.current, k: source.k });
  }
  return { daily, current };
}

/** Figures that count what stands now rather than what happened in a period: they have no occupation or level. */
export const isCurrentFigure = (figure: Figure) => 'current' in figure.source;

/** Whether a breakdown applies to a subject: blank forms are counted by place only (a form has no occupation or level). */
export const breakdownApplies = (subject: StatisticsSubject, by: Breakdown) => by === 'place' || SUBJECT_FIGURES[subject].some((f) => !isCurrentFigure(f));

/**
 * A row's figures from its summed sources (`daily` by metric; `current` by `metric/k`): a source the row has no
 * value for is 0, one it cannot have (`null`: a current count in a row by occupation) stays null; a ratio is to four
 * places, null when its denominator is 0.
 */
export function figuresOf(subject: StatisticsSubject, daily: Record<string, number>, current: Record<string, number> | null): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const { key, source } of SUBJECT_FIGURES[subject]) {
    if ('daily' in source) out[key] = daily[source.daily] ?? 0;
    else if ('current' in source) out[key] = current ? (current[`${source.current}/${source.k}`] ?? 0) : null;
  }
  for (const { key, source } of SUBJECT_FIGURES[subject]) if ('ratio' in source) out[key] = passRate(out[source.ratio[0]], out[source.ratio[1]]);
  return out;
}

/** The share passed, to four places (0.8333); none when nobody sat. */
export function passRate(passed: number | null, candidates: number | null): number | null {
  if (!candidates || passed === null) return null;
  return Math.round((passed / candidates) * 10_000) / 10_000;
}

/** A period of China dates, both ends included. */
export interface Period {
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;

/** A quarter (`2026Q4`) as its first and last day. */
export function quarterPeriod(quarter: string): Period {
  const m = /^(\d{4})Q([1-4])$/.exec(quarter);
  if (!m) throw invalid('quarter', 'must be a quarter such as 2026Q4', 'invalid_quarter');
  const year = Number(m[1]);
  const last = Number(m[2]) * 3;
  return { from: `${year}-${pad(last - 2)}-01`, to: `${year}-${pad(last)}-${lastDayOf(year, last)}` };
}

/** The quarter a China date falls in. */
export const quarterOf = (date: string) => `${date.slice(0, 4)}Q${Math.ceil(Number(date.slice(5, 7)) / 3)}`;

/** The quarter before the one a China date falls in: what the report at a quarter's start covers. */
export function previousQuarter(date: string): string {
  const year = Number(date.slice(0, 4));
  const q = Math.ceil(Number(date.slice(5, 7)) / 3);
  return q === 1 ? `${year - 1}Q4` : `${year}Q${q - 1}`;
}

/**
 * The period asked for: `period` (a year `2026`, a quarter `2026Q4` or a month `2026-11`) or a range `from`–`to`, not
 * both; neither is the quarter so far (`today`, a China date, is its end).
 */
export function parsePeriod(query: { period?: string; from?: string; to?: string }, today: string): Period {
  const { period, from, to } = query;
  if (period !== undefined && (from !== undefined || to !== undefined))
    throw invalid('period', 'give a period or a from–to range, not both', 'period_and_range');
  if (period !== undefined) {
    if (/^\d{4}Q[1-4]$/.test(period)) return quarterPeriod(period);
    const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
    if (month) return { from: `${period}-01`, to: `${period}-${lastDayOf(Number(month[1]), Number(month[2]))}` };
    if (/^\d{4}$/.test(period)) return { from: `${period}-01-01`, to: `${period}-12-31` };
    throw invalid('period', 'must be a year (2026), a quarter (2026Q4) or a month (2026-11)', 'invalid_period');
  }
  if (from === undefined && to === undefined) return { from: quarterPeriod(quarterOf(today)).from, to: today };
  if (from === undefined || !isDate(from)) throw invalid('from', 'must be a date (YYYY-MM-DD) with `to`', from === undefined ? 'required' : 'invalid_date');
  if (to === undefined || !isDate(to)) throw invalid('to', 'must be a date (YYYY-MM-DD) with `from`', to === undefined ? 'required' : 'invalid_date');
  if (to < from) throw invalid('to', 'must be on or after `from`', 'range_reversed');
  return { from, to };
}

/** The levels of places: the nation (CN, as in jurisdictions), a province (440000), a city (440600). */
export type PlaceLevel = 'nation' | 'province' | 'city';

export function placeLevel(code: string): PlaceLevel | null {
  if (code === NATIONAL) return 'nation';
  if (/^\d{2}0000$/.test(code)) return 'province';
  if (/^\d{4}00$/.test(code)) return 'city';
  return null;
}

/** The level a drill-down from a place lists: provinces under the nation, cities under a province, none under a city. */
export function childLevel(code: string): 'province' | 'city' | null {
  const level = placeLevel(code);
  return level === 'nation' ? 'province' : level === 'province' ? 'city' : null;
}

/**
 * How a caller sees a place: `all` when their regions cover it (the nation everything, a province itself and its
 * cities, a city itself), `industry` when only an industry authority's occupations there, `none` otherwise (404: a
 * city's official never sees their province, a sibling city or the nation).
 */
export function placeAccess(jurisdictions: readonly string[] | undefined, place: string): 'all' | 'industry' | 'none' {
  if (coversJurisdiction(jurisdictions, place)) return 'all';
  return scopeOf(jurisdictions).industries.length ? 'industry' : 'none';
}

/** Where a caller starts without a `place`: the nation if theirs (or an industry's), else their first province or city. */
export function defaultPlace(jurisdictions: readonly string[] | undefined): string {
  const scope = scopeOf(jurisdictions);
  if (scope.national) return NATIONAL;
  return scope.provinces[0] ?? scope.cities[0] ?? NATIONAL;
}

/** A place's drill-down by default; a city has no level below, so it is broken down by occupation. */
export const defaultBreakdown = (place: string): Breakdown => (childLevel(place) ? 'place' : 'occupation');

/**
 * The console register (台账) filtered to the cases behind a row: sessions of the place, period, occupation or level;
 * certificates issued in the period; the blank stock.
 */
export function registerLink(
  subject: StatisticsSubject,
  filter: { period: Period; provinceCode?: string; cityCode?: string; occupationCode?: string; level?: number },
): string {
  const q = new URLSearchParams();
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') q.set(name, String(value));
  };
  if (subject === 'blankForms') return '#/blank-stock';
  if (subject === 'sessions') {
    set('provinceCode', filter.provinceCode);
    set('cityCode', filter.cityCode);
    set('dateFrom', filter.period.from);
    set('dateTo', filter.period.to);
  } else {
    // The certificate register filters by occupation, level and issue date, not by place.
    set('issuedFrom', filter.period.from);
    set('issuedTo', filter.period.to);
  }
  set('occupationCode', filter.occupationCode);
  set('level', filter.level);
  return `${subject === 'sessions' ? '#/registers/sessions' : '#/certificates'}?${q.toString()}`;
}
