import type { Knex } from 'knex';
import type { Db } from '../connect';
import { chinaDate } from '../../domain/chinaTime';
import { addDays, childLevel, placeLevel, subjectSources, type Breakdown, type Period, type RangeCount, type StatisticsSubject } from '../../domain/statistics';
import { occupationInIndustries } from './jurisdictions';

/**
 * Figures read from the summary tables only (stat_daily, stat_current: kept exact by triggers), never from the base
 * tables: a national query sums a few thousand summary rows however many sessions and certificates there are.
 */
export interface FigureSums {
  /** Per row key (a place code, '' for an unknown city; an occupation code; a level): daily sums by metric, current counts by `metric/k`. */
  rows: Map<string, { daily: Record<string, number>; current: Record<string, number> | null }>;
  total: { daily: Record<string, number>; current: Record<string, number> | null };
}

export interface FigureRequest {
  subject: StatisticsSubject;
  period: Period;
  /** CN, a province or a city, already checked against the caller (domain/statistics.ts placeAccess). */
  place: string;
  by: Breakdown;
  /**
   * An industry authority sees only its occupations (by code prefix): the daily figures, which carry an occupation.
   * The current counts carry none, so they are not theirs (null).
   */
  industries?: string[];
  /** The moment "now" is for the counts relative to it, and the horizon of "expiring soon" (days). */
  now?: Date;
  horizonDays?: number;
}

/** The column a place's rows are grouped by to list the level below it (a city: itself, its one row). */
const childColumn = (place: string) => (childLevel(place) === 'province' ? 'province_code' : 'city_code');

function inPlace(q: Knex.QueryBuilder, place: string): void {
  const level = placeLevel(place);
  if (level === 'province') q.where('province_code', place);
  if (level === 'city') q.where('city_code', place);
}

/** The instant a China day starts (UTC+8, no daylight saving). */
const chinaDayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

const add = (into: Record<string, number>, key: string, value: number) => {
  into[key] = (into[key] ?? 0) + value;
};

/**
 * The counts relative to now (or to the period) that no trigger can keep: the stations' (~20k nationally) read by an
 * index range on the base table (migration 20261130_46: each index leads with the time and covers the columns filtered
 * and grouped by, so no row is read); the qualifications' (~500k) from their summary per expiry day, as placing each
 * qualification by its examiner at request time would be slow. Grouped by the place's child column.
 */
async function rangeCount(db: Db, name: RangeCount, request: FigureRequest): Promise<Array<{ key: string; value: number }>> {
  const now = request.now ?? new Date();
  const horizon = new Date(now.getTime() + (request.horizonDays ?? 90) * 86_400_000);
  const key = childColumn(request.place);
  let q: Knex.QueryBuilder;
  if (name === 'qualification_expiring') {
    // Kept per expiry day by the triggers (metric qualification_expiry): the days from today to the horizon, by China date.
    const today = chinaDate(now.getTime());
    q = db('stat_daily')
      .where('metric', 'qualification_expiry')
      .where('day', '>=', today)
      .andWhere('day', '<', addDays(today, request.horizonDays ?? 90))
      .groupBy(key)
      .select({ key })
      .sum({ value: 'value' });
  } else {
    q = db('stations').groupBy(key).select({ key }).count({ value: '*' });
    if (name === 'licence_expiring') q.where('valid_until', '>=', now).andWhere('valid_until', '<', horizon).andWhere('status', '<>', 'revoked');
    else q.where('status', 'active');
    if (name === 'inspection_overdue') q.where('next_inspection_due_at', '<', now);
    if (name === 'inspection_due')
      q.where('next_inspection_due_at', '>=', chinaDayStart(request.period.from)).andWhere(
        'next_inspection_due_at',
        '<',
        chinaDayStart(addDays(request.period.to, 1)),
      );
  }
  inPlace(q, request.place);
  const rows = (await q) as Array<{ key: string; value: string | number }>;
  return rows.map((r) => ({ key: String(r.key), value: Number(r.value) }));
}

export async function figureSums(db: Db, request: FigureRequest): Promise<FigureSums> {
  const { daily, current, range } = subjectSources(request.subject);
  const industries = request.industries ?? [];
  const dailyKey = request.by === 'place' ? childColumn(request.place) : request.by === 'occupation' ? 'occupation_code' : 'level';
  const dailyQuery = async () => {
    if (daily.length === 0) return [];
    const q = db('stat_daily')
      .whereIn('metric', daily)
      .whereBetween('day', [request.period.from, request.period.to])
      .groupBy('metric', dailyKey)
      .select('metric', { key: dailyKey })
      .sum({ value: 'value' });
    inPlace(q, request.place);
    if (industries.length) occupationInIndustries('stat_daily.occupation_code')(q, industries);
    return q;
  };
  // Current counts have no occupation or level: grouped by place always, they still make the total.
  const currentQuery = async () => {
    if (current.length === 0 || industries.length) return [];
    const key = childColumn(request.place);
    const q = db('stat_current')
      .whereIn('metric', [...new Set(current.map((c) => c.metric))])
      .whereIn(
        'k',
        current.map((c) => c.k),
      )
      .groupBy('metric', 'k', key)
      .select('metric', 'k', { key })
      .sum({ value: 'value' });
    inPlace(q, request.place);
    return q;
  };
  // Range counts have no occupation either: an industry authority's view has none.
  const rangeQuery = async () =>
    industries.length ? [] : (await Promise.all(range.map(async (name) => (await rangeCount(db, name, request)).map((r) => ({ ...r, metric: name }))))).flat();
  const [dailyRows, currentRows, rangeRows] = await Promise.all([dailyQuery(), currentQuery(), rangeQuery()]);

  const hasCurrent = current.length + range.length > 0 && industries.length === 0;
  const rows: FigureSums['rows'] = new Map();
  const rowOf = (key: string) => {
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { daily: {}, current: hasCurrent && request.by === 'place' ? {} : null }));
    return row;
  };
  const total: FigureSums['total'] = { daily: {}, current: hasCurrent ? {} : null };
  for (const r of dailyRows as Array<{ metric: string; key: string | number; value: string | number }>) {
    add(rowOf(String(r.key)).daily, r.metric, Number(r.value));
    add(total.daily, r.metric, Number(r.value));
  }
  for (const r of currentRows as Array<{ metric: string; k: string; key: string; value: string | number }>) {
    if (request.by === 'place') add(rowOf(r.key).current!, `${r.metric}/${r.k}`, Number(r.value));
    add(total.current!, `${r.metric}/${r.k}`, Number(r.value));
  }
  for (const r of rangeRows) {
    if (request.by === 'place') add(rowOf(r.key).current!, r.metric, r.value);
    add(total.current!, r.metric, r.value);
  }
  return { rows, total };
}

/** The places one level below a place in the jurisdictions register (a province's cities, the nation's provinces), in code order. */
export async function childPlaces(db: Db, place: string): Promise<string[]> {
  const rows = await db('jurisdictions').where({ parent_code: place }).whereIn('kind', ['province', 'city']).orderBy('code').select('code');
  return rows.map((r) => r.code as string);
}

/** The names of places by code, from the jurisdictions register (a code it does not hold is left to the caller). */
export async function placeNames(db: Db, codes: string[]): Promise<Map<string, string>> {
  const known = codes.filter(Boolean);
  if (known.length === 0) return new Map();
  const rows = await db('jurisdictions').whereIn('code', known).whereIn('kind', ['province', 'city']).select('code', 'name');
  return new Map(rows.map((r) => [r.code as string, r.name as string]));
}
