import { invalid } from './errors';
import { NATIONAL, coversJurisdiction, scopeOf } from './jurisdiction';

/**
 * Statistics (实时统计, issue 19): the subjects and their figures, the periods they are summed over and the places they
 * drill through (nation → provinces → cities). Pure: the figures themselves come from the summary tables.
 */
export const STATISTICS_SUBJECTS = ['sessions', 'certificates', 'blankForms', 'stations', 'examiners', 'inspections', 'complaints'] as const;
export type StatisticsSubject = (typeof STATISTICS_SUBJECTS)[number];

export const BREAKDOWNS = ['place', 'occupation', 'level'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/**
 * Counts relative to the moment asked (a licence expiring within 90 days, a station overdue now): no trigger can keep
 * them, as they change with the clock and not with a write; the stations' are counted on request by an index range on
 * the base table, the qualifications' summed over their summary per expiry day (db/queries/figures.ts rangeCount).
 * `inspection_due` is relative to the period (next inspections falling in it).
 */
export const RANGE_COUNTS = ['licence_expiring', 'inspection_due', 'inspection_overdue', 'qualification_expiring'] as const;
export type RangeCount = (typeof RANGE_COUNTS)[number];

/**
 * Where a figure comes from: a daily metric summed over the period, a count as it stands now (`stat_current`, one `k` or
 * the sum of several), a ratio of two other figures, or a range count on a base table.
 */
export type FigureSource = { daily: string } | { current: string; k: string | readonly string[] } | { ratio: [string, string] } | { range: RangeCount };

/** What a number's register link adds to its row's filters (e.g. `status=suspended`), from the period and today. */
type LinkFilter = Record<string, string> | ((at: { period: Period; today: string; horizonDays: number }) => Record<string, string>);

export interface Figure {
  key: string;
  zh: string;
  en: string;
  source: FigureSource;
  /** Narrows the row's register link to this number's cases; without it the number links to its row's register. */
  link?: LinkFilter;
  /** The register the number's cases are in when not the subject's own (stations due for inspection: the station register). */
  register?: string;
}

const HELD = ['scoring', 'under_review', 'approved'] as const;
const OPEN_COMPLAINT = ['received', 'triaged', 'investigating', 'appealed'] as const;
/** Adds days to a China date. */
export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const status = (value: string) => ({ status: value });

/** Each subject's figures, in the order tables and sheets show them. */
export const SUBJECT_FIGURES: Record<StatisticsSubject, readonly Figure[]> = {
  sessions: [
    { key: 'held', zh: '举办场次', en: 'Sessions held', source: { daily: 'session_held' }, link: { held: 'true' } },
    { key: 'candidates', zh: '参加人数', en: 'Candidates', source: { daily: 'session_candidates' }, link: { held: 'true' } },
    { key: 'passed', zh: '合格人数', en: 'Passed', source: { daily: 'session_passed' }, link: status('approved') },
    { key: 'passRate', zh: '合格率', en: 'Pass rate', source: { ratio: ['passed', 'candidates'] }, link: { held: 'true' } },
    {
      key: 'supervised',
      zh: '派驻质量督导员场次',
      en: 'With a quality supervisor',
      source: { daily: 'session_supervised' },
      link: { held: 'true' },
    },
    { key: 'withSignals', zh: '有虚假鉴定线索场次', en: 'With fraud signals', source: { daily: 'session_signals' }, link: { held: 'true', signals: 'any' } },
  ],
  certificates: [
    { key: 'issued', zh: '发证数', en: 'Issued', source: { daily: 'certificate_issued' } },
    { key: 'revoked', zh: '撤销数', en: 'Revoked', source: { daily: 'certificate_revoked' }, link: status('revoked') },
    { key: 'valid', zh: '有效证书（现有）', en: 'Valid (now)', source: { current: 'certificates_by_status', k: 'valid' }, link: status('valid') },
    {
      key: 'replaced',
      zh: '已换发证书（现有）',
      en: 'Replaced (now)',
      source: { current: 'certificates_by_status', k: 'replaced' },
      link: status('replaced'),
    },
  ],
  blankForms: [
    { key: 'province', zh: '省级库存空白证书', en: 'Held by the province', source: { current: 'blank_forms', k: 'province' } },
    { key: 'station', zh: '鉴定站在库空白证书', en: 'Held by stations', source: { current: 'blank_forms', k: 'station' } },
    { key: 'printed', zh: '已打印', en: 'Printed', source: { current: 'blank_forms', k: 'printed' } },
    { key: 'voided', zh: '已作废', en: 'Voided', source: { current: 'blank_forms', k: 'voided' } },
  ],
  stations: [
    { key: 'active', zh: '正常运行', en: 'Active', source: { current: 'stations_by_status', k: 'active' }, link: status('active') },
    { key: 'suspended', zh: '暂停', en: 'Suspended', source: { current: 'stations_by_status', k: 'suspended' }, link: status('suspended') },
    { key: 'revoked', zh: '已撤销', en: 'Revoked', source: { current: 'stations_by_status', k: 'revoked' }, link: status('revoked') },
    { key: 'ratingA', zh: '评级A', en: 'Rated A', source: { current: 'stations_by_rating', k: 'A' } },
    { key: 'ratingB', zh: '评级B', en: 'Rated B', source: { current: 'stations_by_rating', k: 'B' } },
    { key: 'ratingC', zh: '评级C', en: 'Rated C', source: { current: 'stations_by_rating', k: 'C' } },
    { key: 'ratingD', zh: '评级D', en: 'Rated D', source: { current: 'stations_by_rating', k: 'D' } },
    { key: 'unrated', zh: '未评级', en: 'Not yet rated', source: { current: 'stations_by_rating', k: 'unrated' } },
    { key: 'demonstration', zh: '示范站', en: 'Demonstration stations', source: { current: 'stations_demonstration', k: 'confirmed' } },
    {
      key: 'demonstrationCandidates',
      zh: '示范站候选',
      en: 'Demonstration candidates',
      source: { current: 'stations_demonstration', k: 'candidate' },
    },
    {
      key: 'licenceExpiring',
      zh: '许可即将到期',
      en: 'Licences expiring',
      source: { range: 'licence_expiring' },
      // The station register's "due" is its next inspection, not its licence: the link lists the place's stations.
    },
  ],
  examiners: [
    { key: 'active', zh: '有效资格', en: 'Active', source: { current: 'qualifications_by_status', k: ['active', 'renewal_submitted', 'awaiting_supervisor'] } },
    { key: 'suspended', zh: '暂停', en: 'Suspended', source: { current: 'qualifications_by_status', k: 'suspended' }, link: status('suspended') },
    { key: 'lapsed', zh: '已失效', en: 'Lapsed', source: { current: 'qualifications_by_status', k: 'lapsed' }, link: status('lapsed') },
    { key: 'revoked', zh: '已撤销', en: 'Revoked', source: { current: 'qualifications_by_status', k: 'revoked' }, link: status('revoked') },
    {
      key: 'expiring',
      zh: '即将到期资格',
      en: 'Expiring soon',
      source: { range: 'qualification_expiring' },
      link: ({ today, horizonDays }) => ({ dueFrom: today, dueTo: addDays(today, horizonDays) }),
    },
    { key: 'violations', zh: '违规记录', en: 'Violations', source: { daily: 'examiner_violations' } },
  ],
  inspections: [
    {
      key: 'due',
      zh: '期内应检鉴定站',
      en: 'Stations due in the period',
      source: { range: 'inspection_due' },
      register: '#/registers/stations',
      link: ({ period }) => ({ status: 'active', dueFrom: period.from, dueTo: period.to }),
    },
    {
      key: 'overdue',
      zh: '逾期未检鉴定站',
      en: 'Stations overdue now',
      source: { range: 'inspection_overdue' },
      register: '#/registers/stations',
      link: { status: 'active', overdue: 'true' },
    },
    { key: 'done', zh: '完成检查', en: 'Inspections done', source: { daily: 'inspection_done' } },
    { key: 'ratedA', zh: '评为A', en: 'Rated A', source: { daily: 'inspection_rated_a' } },
    { key: 'ratedB', zh: '评为B', en: 'Rated B', source: { daily: 'inspection_rated_b' } },
    { key: 'ratedC', zh: '评为C', en: 'Rated C', source: { daily: 'inspection_rated_c' } },
    { key: 'ratedD', zh: '评为D', en: 'Rated D', source: { daily: 'inspection_rated_d' } },
    {
      key: 'rectificationOpen',
      zh: '整改中（现有）',
      en: 'Rectification orders open (now)',
      source: { current: 'inspections_by_status', k: ['rectification', 'verification'] },
      link: status('rectification'),
    },
    { key: 'sanctionWarnings', zh: '警告', en: 'Warnings', source: { daily: 'inspection_sanction_warning' } },
    { key: 'sanctionSuspensions', zh: '暂停鉴定', en: 'Suspensions', source: { daily: 'inspection_sanction_suspension' } },
    { key: 'sanctionRevocations', zh: '撤销许可', en: 'Revocations', source: { daily: 'inspection_sanction_revocation' } },
  ],
  complaints: [
    { key: 'received', zh: '受理投诉', en: 'Received', source: { daily: 'complaint_received' } },
    {
      key: 'open',
      zh: '办理中（现有）',
      en: 'Open (now)',
      source: { current: 'complaints_open_by_severity', k: ['normal', 'serious', 'critical', 'untriaged'] },
    },
    ...(
      [
        ['fraudulent_appraisal', 'openFraudulent', '虚假鉴定', 'Fraudulent appraisal'],
        ['cross_region_appraisal', 'openCrossRegion', '跨地区鉴定', 'Cross-region'],
        ['out_of_scope_appraisal', 'openOutOfScope', '超范围鉴定', 'Out of scope'],
        ['examiner_misconduct', 'openExaminerMisconduct', '考评员违规', 'Examiner misconduct'],
        ['certificate_problem', 'openCertificate', '证书问题', 'Certificate problem'],
        ['other', 'openOther', '其他', 'Other'],
      ] as const
    ).map(([k, key, zh, en]) => ({ key, zh: `办理中：${zh}`, en: `Open: ${en}`, source: { current: 'complaints_open_by_category', k } })),
    ...(
      [
        ['untriaged', 'openUntriaged', '待分级', 'not triaged'],
        ['normal', 'openNormal', '一般', 'normal'],
        ['serious', 'openSerious', '严重', 'serious'],
        ['critical', 'openCritical', '紧急', 'critical'],
      ] as const
    ).map(([k, key, zh, en]) => ({ key, zh: `办理中：${zh}`, en: `Open: ${en}`, source: { current: 'complaints_open_by_severity', k } })),
    { key: 'closed', zh: '办结', en: 'Closed', source: { daily: 'complaint_closed' } },
    { key: 'slaMet', zh: '按时办结', en: 'Closed within the SLA', source: { daily: 'complaint_sla_met' } },
    { key: 'slaRate', zh: '按时办结率', en: 'SLA compliance', source: { ratio: ['slaMet', 'closed'] } },
    { key: 'found', zh: '作出调查结论', en: 'Findings', source: { daily: 'complaint_found' } },
    { key: 'substantiated', zh: '查实（含部分查实）', en: 'Substantiated (or partly)', source: { daily: 'complaint_substantiated' } },
    { key: 'substantiatedRate', zh: '查实率', en: 'Substantiated rate', source: { ratio: ['substantiated', 'found'] } },
  ],
};

/** Which complaint statuses count as open, and which session statuses as held: the figures' definitions. */
export const OPEN_COMPLAINT_STATUSES = OPEN_COMPLAINT;
export const HELD_SESSION_STATUSES = HELD;

export const SUBJECT_LABELS: Record<StatisticsSubject, { zh: string; en: string }> = {
  sessions: { zh: '鉴定场次', en: 'Appraisal sessions' },
  certificates: { zh: '职业资格证书', en: 'Certificates' },
  blankForms: { zh: '空白证书', en: 'Blank certificate forms' },
  stations: { zh: '鉴定站', en: 'Stations' },
  examiners: { zh: '考评员资格', en: 'Examiner qualifications' },
  inspections: { zh: '监督检查', en: 'Inspections' },
  complaints: { zh: '质量投诉', en: 'Complaints' },
};

/** Figures that are ratios (shown as percentages). */
export const isRatioFigure = (figure: Figure) => 'ratio' in figure.source;

/** The daily metrics, current counts and range counts a subject reads. */
export function subjectSources(subject: StatisticsSubject): { daily: string[]; current: Array<{ metric: string; k: string }>; range: RangeCount[] } {
  const daily: string[] = [];
  const current: Array<{ metric: string; k: string }> = [];
  const range: RangeCount[] = [];
  for (const { source } of SUBJECT_FIGURES[subject]) {
    if ('daily' in source) daily.push(source.daily);
    if ('current' in source) for (const k of typeof source.k === 'string' ? [source.k] : source.k) current.push({ metric: source.current, k });
    if ('range' in source) range.push(source.range);
  }
  return { daily, current, range };
}

/** Figures that count what stands now rather than what happened in a period: they have no occupation or level. */
export const isCurrentFigure = (figure: Figure) => 'current' in figure.source || 'range' in figure.source;

/**
 * Whether a breakdown applies to a subject: by occupation and level only where every figure but the counts "now" carries
 * them (sessions, certificates); blank forms, stations, examiners' qualifications by status, inspections and complaints
 * are counted by place only.
 */
const BY_OCCUPATION: readonly StatisticsSubject[] = ['sessions', 'certificates'];
export const breakdownApplies = (subject: StatisticsSubject, by: Breakdown) => by === 'place' || BY_OCCUPATION.includes(subject);

/**
 * A row's figures from its summed sources (`daily` by metric; `current` by `metric/k`, range counts by name in the
 * same record): a source the row has no value for is 0, one it cannot have (`null`: a current count in a row by
 * occupation) stays null; a ratio is to four places, null when its denominator is 0.
 */
export function figuresOf(subject: StatisticsSubject, daily: Record<string, number>, current: Record<string, number> | null): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const currentOf = (key: string) => (current ? (current[key] ?? 0) : null);
  for (const { key, source } of SUBJECT_FIGURES[subject]) {
    if ('daily' in source) out[key] = daily[source.daily] ?? 0;
    else if ('range' in source) out[key] = currentOf(source.range);
    else if ('current' in source) {
      const ks = typeof source.k === 'string' ? [source.k] : source.k;
      out[key] = current ? ks.reduce((sum, k) => sum + (currentOf(`${source.current}/${k}`) ?? 0), 0) : null;
    }
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

/**
 * A place's drill-down by default; a city has no level below, so it is broken down by occupation where the subject has
 * one, else it answers its own row (by place).
 */
export const defaultBreakdown = (place: string, subject: StatisticsSubject = 'sessions'): Breakdown =>
  childLevel(place) || !breakdownApplies(subject, 'occupation') ? 'place' : 'occupation';

/** The console register (台账) each subject's numbers open, and how it names the period. */
const REGISTERS: Record<StatisticsSubject, { hash: string; period?: [string, string] }> = {
  sessions: { hash: '#/registers/sessions', period: ['dateFrom', 'dateTo'] },
  // The certificate register filters by occupation, level and issue date, not by place.
  certificates: { hash: '#/certificates', period: ['issuedFrom', 'issuedTo'] },
  blankForms: { hash: '#/blank-stock' },
  stations: { hash: '#/registers/stations' },
  examiners: { hash: '#/registers/qualifications' },
  inspections: { hash: '#/registers/inspections' },
  complaints: { hash: '#/registers/complaints' },
};

/**
 * The console register (台账) filtered to the cases behind a row: the place, occupation or level of the row, the period
 * where the register has one; with `figure`, narrowed to that number's cases where the register can (sessions held, a
 * station's status, qualifications expiring, stations overdue). The blank stock has one page.
 */
export function registerLink(
  subject: StatisticsSubject,
  filter: { period: Period; provinceCode?: string; cityCode?: string; occupationCode?: string; level?: number },
  figure?: { figure: Figure; today: string; horizonDays: number },
): string {
  const register = REGISTERS[subject];
  if (subject === 'blankForms') return register.hash;
  const q = new URLSearchParams();
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') q.set(name, String(value));
  };
  if (subject !== 'certificates') {
    set('provinceCode', filter.provinceCode);
    set('cityCode', filter.cityCode);
  }
  if (register.period) {
    set(register.period[0], filter.period.from);
    set(register.period[1], filter.period.to);
  }
  set('occupationCode', filter.occupationCode);
  set('level', filter.level);
  const narrow = figure?.figure.link;
  if (narrow && figure)
    for (const [name, value] of Object.entries(typeof narrow === 'function' ? narrow({ period: filter.period, ...figure }) : narrow)) set(name, value);
  const query = q.toString();
  const hash = figure?.figure.register ?? register.hash;
  return query ? `${hash}?${query}` : hash;
}
