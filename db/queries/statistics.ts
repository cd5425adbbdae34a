import type { Knex } from 'knex';
import { ELIGIBLE_STATUSES } from '../../domain/qualification';
import { OPEN_COMPLAINT_STATUSES } from '../../domain/statistics';
import type { Db } from '../connect';

/**
 * The statistics summaries (issue 19): `stat_daily` counts per day and `stat_current` counts as they stand, kept exact by
 * MariaDB triggers on the base tables (in the transaction of the write that changes them) and checked every night against a
 * recomputation from those tables. Both the triggers and the recomputation are generated from the one registry below, each
 * metric a row's contribution under its summary key, so what the triggers add and what the reconciliation counts cannot
 * disagree by definition, only by a write the triggers missed.
 *
 * A change to a metric takes a new migration that replaces the table's triggers and rebuilds its metrics
 * (replaceSummaryTriggers, rebuildSummaries): the triggers in a database are those its last migration created.
 */
export type SummaryTable = 'stat_daily' | 'stat_current';
export type BaseTable =
  'appraisal_sessions' | 'certificates' | 'blank_forms' | 'stations' | 'qualifications' | 'conduct_records' | 'inspections' | 'complaints';

/** SQL over a row of the base table named by `r` (an alias in the recomputation, NEW or OLD in a trigger). */
type RowSql = (r: string) => string;

export interface Metric {
  metric: string;
  table: BaseTable;
  summary: SummaryTable;
  /** The summary's key columns, in its primary key's order. */
  key: Record<string, RowSql>;
  /** What one row adds under its key: 0 when it does not count. Never NULL. */
  value: RowSql;
}

const DAILY_KEY = ['province_code', 'city_code', 'occupation_code', 'level', 'day'] as const;
const CURRENT_KEY = ['province_code', 'city_code', 'k'] as const;
const KEY_COLUMNS: Record<SummaryTable, readonly string[]> = { stat_daily: DAILY_KEY, stat_current: CURRENT_KEY };

const held: RowSql = (r) => `${r}.status IN ('scoring', 'under_review', 'approved')`;
const sessionKey = {
  province_code: (r: string) => `${r}.province_code`,
  city_code: (r: string) => `${r}.city_code`,
  occupation_code: (r: string) => `${r}.occupation_code`,
  level: (r: string) => `${r}.level`,
  day: (r: string) => `${r}.session_date`,
};
/**
 * A value a trigger looks up once per row (NEW, OLD) into a local variable rather than once per metric; the
 * recomputation inlines its subquery. Each base table declares the lookups its metrics use (LOOKUPS).
 */
interface Lookup {
  name: string;
  type: string;
  sql: RowSql;
}
const lookupVariable = (l: Lookup, r: 'NEW' | 'OLD') => `${r.toLowerCase()}_${l.name}`;
const looked =
  (l: Lookup): RowSql =>
  (r) =>
    r === 'NEW' || r === 'OLD' ? lookupVariable(l, r) : l.sql(r);

/** The city of the station holding a certificate or a form, or inspected, or complained of ('' for none: an imported certificate, a province's stock). */
const STATION_CITY: Lookup = {
  name: 'station_city',
  type: 'CHAR(6)',
  sql: (r) => `COALESCE((SELECT s.city_code FROM stations s WHERE s.id = ${r}.station_id), '')`,
};
const stationCity = looked(STATION_CITY);
/**
 * Where an examiner is registered, as the qualification register places them: the region an import gave, else their
 * first place as a user ('' for none). Read when the qualification or conduct row is written: a later change of an
 * examiner's region moves nothing until the row's next write, and the nightly reconciliation reports it.
 */
const EXAMINER_PLACE: Lookup = {
  name: 'examiner_place',
  type: 'VARCHAR(6)',
  sql: (r) =>
    `COALESCE((SELECT e.region_code FROM examiners e WHERE e.id = ${r}.examiner_id), ` +
    `(SELECT MIN(j.code) FROM user_jurisdictions j WHERE j.user_id = ${r}.examiner_id AND j.code REGEXP '^[0-9]{4}00$'), '')`,
};
const examinerPlace = looked(EXAMINER_PLACE);
const examinerProvince: RowSql = (r) => `IF(${examinerPlace(r)} = '', '', CONCAT(LEFT(${examinerPlace(r)}, 2), '0000'))`;
const examinerCity: RowSql = (r) => `IF(${examinerPlace(r)} LIKE '__0000', '', ${examinerPlace(r)})`;

const LOOKUPS: Record<BaseTable, readonly Lookup[]> = {
  appraisal_sessions: [],
  certificates: [STATION_CITY],
  blank_forms: [STATION_CITY],
  stations: [],
  qualifications: [EXAMINER_PLACE],
  conduct_records: [EXAMINER_PLACE],
  inspections: [STATION_CITY],
  complaints: [STATION_CITY],
};
const rowLookups = (table: BaseTable, rows: Array<'NEW' | 'OLD'>) =>
  LOOKUPS[table].length
    ? [
        [
          ...rows.flatMap((r) => LOOKUPS[table].map((l) => `DECLARE ${lookupVariable(l, r)} ${l.type};`)),
          ...rows.flatMap((r) => LOOKUPS[table].map((l) => `SET ${lookupVariable(l, r)} = ${l.sql(r)};`)),
        ].join(' '),
      ]
    : [];

/** China's day of a UTC time column (UTC+8, no daylight saving), as domain/chinaTime.ts counts it. */
const chinaDay =
  (column: string): RowSql =>
  (r) =>
    `DATE(${r}.${column} + INTERVAL 8 HOUR)`;
/** Figures with no occupation or level (stations, inspections, complaints, conduct) keep '' and 0 in those columns. */
const placeOnly = (province: RowSql, city: RowSql, day: RowSql) => ({
  province_code: province,
  city_code: city,
  occupation_code: () => "''",
  level: () => '0',
  day,
});
const current = (table: BaseTable, metric: string, province: RowSql, city: RowSql, k: RowSql, value: RowSql): Metric => ({
  metric,
  table,
  summary: 'stat_current',
  key: { province_code: province, city_code: city, k },
  value,
});
const column =
  (name: string): RowSql =>
  (r) =>
    `${r}.${name}`;
const finalInspection: RowSql = (r) => `${r}.status IN ('closed', 'revoked')`;
/** How many sanctions of a level a concluded inspection holds (its summary lists them). */
const sanctions =
  (level: string): RowSql =>
  (r) =>
    `IF(${finalInspection(r)}, COALESCE(JSON_LENGTH(JSON_SEARCH(${r}.summary, 'all', '${level}', NULL, '$.sanctions[*].level')), 0), 0)`;
const inspectionDay = placeOnly(column('province_code'), stationCity, chinaDay('updated_at'));
const complaintProvince: RowSql = (r) => `COALESCE(${r}.province_code, '')`;
const closedComplaint =
  (condition: RowSql): RowSql =>
  (r) =>
    `IF(${r}.closed_at IS NOT NULL AND ${condition(r)}, 1, 0)`;
const complaintMetric = (metric: string, day: RowSql, value: RowSql): Metric => ({
  metric,
  table: 'complaints',
  summary: 'stat_daily',
  key: placeOnly(complaintProvince, stationCity, day),
  value,
});
const openComplaint: RowSql = (r) => `${r}.status IN (${OPEN_COMPLAINT_STATUSES.map(quote).join(', ')})`;

const certificateKey = (day: RowSql) => ({
  province_code: (r: string) => `${r}.issuer_code`,
  city_code: stationCity,
  occupation_code: (r: string) => `${r}.occupation_code`,
  level: (r: string) => `${r}.level`,
  day,
});
const session = (metric: string, value: RowSql): Metric => ({ metric, table: 'appraisal_sessions', summary: 'stat_daily', key: sessionKey, value });

export const METRICS: readonly Metric[] = [
  session('session_held', (r) => `IF(${held(r)}, 1, 0)`),
  session('session_candidates', (r) => `IF(${held(r)}, ${r}.candidates, 0)`),
  session('session_passed', (r) => `IF(${r}.status = 'approved', ${r}.passed, 0)`),
  session('session_supervised', (r) => `IF(${held(r)} AND ${r}.quality_supervisor_id IS NOT NULL, 1, 0)`),
  session('session_signals', (r) => `IF(${held(r)} AND COALESCE(JSON_LENGTH(${r}.signals), 0) > 0, 1, 0)`),
  {
    metric: 'certificate_issued',
    table: 'certificates',
    summary: 'stat_daily',
    key: certificateKey((r) => `${r}.issued_on`),
    value: () => '1',
  },
  {
    metric: 'certificate_revoked',
    table: 'certificates',
    summary: 'stat_daily',
    // revoked_at holds UTC; the day is China's (UTC+8, no daylight saving), as domain/chinaTime.ts counts it.
    key: certificateKey((r) => `DATE(${r}.revoked_at + INTERVAL 8 HOUR)`),
    value: (r) => `IF(${r}.status = 'revoked' AND ${r}.revoked_at IS NOT NULL, 1, 0)`,
  },
  {
    metric: 'certificates_by_status',
    table: 'certificates',
    summary: 'stat_current',
    key: { province_code: (r) => `${r}.issuer_code`, city_code: stationCity, k: (r) => `${r}.status` },
    value: () => '1',
  },
  {
    metric: 'blank_forms',
    table: 'blank_forms',
    summary: 'stat_current',
    key: { province_code: (r) => `${r}.province_code`, city_code: stationCity, k: (r) => `${r}.status` },
    value: () => '1',
  },
  current('stations', 'stations_by_status', column('province_code'), column('city_code'), column('status'), () => '1'),
  // Ratings and demonstration of the stations not revoked.
  current(
    'stations',
    'stations_by_rating',
    column('province_code'),
    column('city_code'),
    (r) => `COALESCE(${r}.rating, 'unrated')`,
    (r) => `IF(${r}.status <> 'revoked', 1, 0)`,
  ),
  current(
    'stations',
    'stations_demonstration',
    column('province_code'),
    column('city_code'),
    column('demonstration'),
    (r) => `IF(${r}.status <> 'revoked' AND ${r}.demonstration IN ('candidate', 'confirmed'), 1, 0)`,
  ),
  current('qualifications', 'qualifications_by_status', examinerProvince, examinerCity, column('status'), () => '1'),
  /**
   * Qualifications that can still lapse (active, or in renewal) on the China day they expire: "expiring in the next 90
   * days" is then a sum over the days ahead. A range count on the base table would have to place each of ~40,000
   * qualifications (nationally, 90 days of 500,000) by its examiner's registration at request time, far slower.
   */
  {
    metric: 'qualification_expiry',
    table: 'qualifications',
    summary: 'stat_daily',
    key: { ...placeOnly(examinerProvince, examinerCity, chinaDay('expires_at')), occupation_code: column('occupation_code'), level: column('level') },
    value: (r) => `IF(${r}.expires_at IS NOT NULL AND ${r}.status IN (${ELIGIBLE_STATUSES.map(quote).join(', ')}), 1, 0)`,
  },
  {
    metric: 'examiner_violations',
    table: 'conduct_records',
    summary: 'stat_daily',
    key: placeOnly(examinerProvince, examinerCity, chinaDay('recorded_at')),
    value: (r) => `IF(${r}.kind = 'violation', 1, 0)`,
  },
  // Open inspections by status (a rectification order is open while its inspection is in rectification or verification).
  current('inspections', 'inspections_by_status', column('province_code'), stationCity, column('status'), (r) => `IF(${finalInspection(r)}, 0, 1)`),
  // Inspections concluded, their ratings and sanctions, on the day they concluded (their last write).
  { metric: 'inspection_done', table: 'inspections', summary: 'stat_daily', key: inspectionDay, value: (r) => `IF(${finalInspection(r)}, 1, 0)` },
  ...['A', 'B', 'C', 'D'].map((rating): Metric => ({
    metric: `inspection_rated_${rating.toLowerCase()}`,
    table: 'inspections',
    summary: 'stat_daily',
    key: inspectionDay,
    value: (r) => `IF(${finalInspection(r)} AND ${r}.rating = '${rating}', 1, 0)`,
  })),
  ...['warning', 'suspension', 'revocation'].map((level): Metric => ({
    metric: `inspection_sanction_${level}`,
    table: 'inspections',
    summary: 'stat_daily',
    key: inspectionDay,
    value: sanctions(level),
  })),
  current('complaints', 'complaints_open_by_category', complaintProvince, stationCity, column('category'), (r) => `IF(${openComplaint(r)}, 1, 0)`),
  current(
    'complaints',
    'complaints_open_by_severity',
    complaintProvince,
    stationCity,
    (r) => `COALESCE(${r}.severity, 'untriaged')`,
    (r) => `IF(${openComplaint(r)}, 1, 0)`,
  ),
  // Complaints received (consultations are not), and those closed: with an SLA judgement, met, with a finding, substantiated.
  complaintMetric('complaint_received', chinaDay('created_at'), (r) => `IF(${r}.status IN ('consultation', 'answered'), 0, 1)`),
  complaintMetric(
    'complaint_closed',
    chinaDay('closed_at'),
    closedComplaint((r) => `${r}.sla_met IS NOT NULL`),
  ),
  complaintMetric(
    'complaint_sla_met',
    chinaDay('closed_at'),
    closedComplaint((r) => `${r}.sla_met = 1`),
  ),
  complaintMetric(
    'complaint_found',
    chinaDay('closed_at'),
    closedComplaint((r) => `${r}.finding IS NOT NULL`),
  ),
  complaintMetric(
    'complaint_substantiated',
    chinaDay('closed_at'),
    closedComplaint((r) => `${r}.finding IN ('substantiated', 'partly_substantiated')`),
  ),
];

const metricsOf = (table: BaseTable) => METRICS.filter((m) => m.table === table);
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const keySql = (m: Metric, r: string) => KEY_COLUMNS[m.summary].map((c) => m.key[c](r));

/** The metric recomputed from its base table: one row per summary key with a non-zero count. */
export function recomputeSql(m: Metric, only: { where?: string; sign?: '' | '-' } = {}): string {
  const keys = keySql(m, 'r');
  const columns = KEY_COLUMNS[m.summary];
  // Keyed in a derived table: GROUP BY would read a base column of the same name before the select's alias.
  return (
    `SELECT ${quote(m.metric)} AS metric, ${columns.join(', ')}, ${only.sign ?? ''}SUM(v) AS value ` +
    `FROM (SELECT ${keys.map((k, i) => `${k} AS ${columns[i]}`).join(', ')}, ${m.value('r')} AS v FROM ${m.table} r${only.where ? ` WHERE ${only.where}` : ''}) x ` +
    `GROUP BY ${columns.join(', ')} HAVING SUM(v) <> 0`
  );
}

/** One delta of a trigger: adds `sign` times the row's contribution under the row's key. */
function applyDelta(m: Metric, r: 'NEW' | 'OLD', sign: '+' | '-'): string {
  const value = m.value(r);
  const columns = ['metric', ...KEY_COLUMNS[m.summary], 'value'].join(', ');
  return (
    `IF ${value} <> 0 THEN INSERT INTO ${m.summary} (${columns}) VALUES (${quote(m.metric)}, ${keySql(m, r).join(', ')}, ${sign}${value}) ` +
    `ON DUPLICATE KEY UPDATE value = value + VALUES(value); END IF;`
  );
}

const triggerName = (table: BaseTable, event: 'insert' | 'update' | 'delete') => `stat_${table}_after_${event}`;

/**
 * The base table's AFTER INSERT, UPDATE and DELETE triggers (dropped first when there). An update moves a row's
 * contribution from its old key to its new one, and does nothing when neither the key nor the contribution changed (a
 * session's workflow saves its row at every step). Triggers run as their definer, the migrations' owner, so the application
 * account needs no rights on the summaries to write the base tables.
 */
export function summaryTriggerStatements(table: BaseTable): string[] {
  const metrics = metricsOf(table);
  const unchanged = (m: Metric) =>
    [...keySql(m, 'OLD').map((o, i) => `${o} <=> ${keySql(m, 'NEW')[i]}`), `${m.value('OLD')} = ${m.value('NEW')}`].join(' AND ');
  const lookups = (rows: Array<'NEW' | 'OLD'>) => rowLookups(table, rows);
  const body = {
    insert: [...lookups(['NEW']), ...metrics.map((m) => applyDelta(m, 'NEW', '+'))],
    delete: [...lookups(['OLD']), ...metrics.map((m) => applyDelta(m, 'OLD', '-'))],
    update: [
      ...lookups(['OLD', 'NEW']),
      ...metrics.map((m) => `IF NOT (${unchanged(m)}) THEN ${applyDelta(m, 'OLD', '-')} ${applyDelta(m, 'NEW', '+')} END IF;`),
    ],
  };
  return (['insert', 'update', 'delete'] as const).flatMap((event) => [
    `DROP TRIGGER IF EXISTS ${triggerName(table, event)}`,
    `CREATE TRIGGER ${triggerName(table, event)} AFTER ${event.toUpperCase()} ON ${table} FOR EACH ROW BEGIN ${body[event].join(' ')} END`,
  ]);
}

/** Creates (or replaces) the base table's summary triggers; for migrations, run as the schema owner. */
export async function replaceSummaryTriggers(knex: Knex, table: BaseTable): Promise<void> {
  for (const sql of summaryTriggerStatements(table)) await knex.raw(sql);
}

/** Drops the base table's summary triggers; for migrations going down. */
export async function dropSummaryTriggers(knex: Knex, table: BaseTable): Promise<void> {
  for (const event of ['insert', 'update', 'delete'] as const) await knex.raw(`DROP TRIGGER IF EXISTS ${triggerName(table, event)}`);
}

/**
 * Sets the base table's metrics to their recomputation, in one transaction: for a migration that creates the triggers on a
 * database that already holds rows. Run after the triggers: the rebuild locks the summary rows and the rows it reads, so a
 * write meanwhile waits for it and then adds its delta on top, counted once.
 */
export async function rebuildSummaries(knex: Knex, table: BaseTable): Promise<void> {
  await knex.transaction(async (trx) => {
    for (const m of metricsOf(table)) {
      const columns = ['metric', ...KEY_COLUMNS[m.summary], 'value'].join(', ');
      await trx(m.summary).where({ metric: m.metric }).delete();
      await trx.raw(`INSERT INTO ${m.summary} (${columns}) ${recomputeSql(m)}`);
    }
  });
}

/**
 * Runs `change`, a write to what the summaries' keys look up rather than to a base table (an examiner's region or a
 * user's jurisdictions: where their qualifications and conduct records count), in one transaction with the rows of
 * `examinerId` taken out of their keys before and put back under their new ones after, so the summaries stay exact.
 */
export async function withExaminerPlaceMoved<T>(db: Db, examinerId: string, change: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const metrics = METRICS.filter((m) => LOOKUPS[m.table].includes(EXAMINER_PLACE));
  const move = async (trx: Knex.Transaction, sign: '' | '-') => {
    for (const m of metrics) {
      const columns = ['metric', ...KEY_COLUMNS[m.summary], 'value'].join(', ');
      await trx.raw(
        `INSERT INTO ${m.summary} (${columns}) ${recomputeSql(m, { where: 'r.examiner_id = ?', sign })} ON DUPLICATE KEY UPDATE value = value + VALUES(value)`,
        [examinerId],
      );
    }
  };
  return db.transaction(async (trx) => {
    await move(trx, '-');
    const result = await change(trx);
    await move(trx, '');
    return result;
  });
}

/** Forgets the base table's metrics; for migrations going down. */
export async function removeSummaries(knex: Knex, table: BaseTable): Promise<void> {
  for (const m of metricsOf(table)) await knex(m.summary).where({ metric: m.metric }).delete();
}

export interface DailyKey {
  provinceCode: string;
  cityCode: string;
  occupationCode: string;
  level: number;
  day: string;
}
export interface CurrentKey {
  provinceCode: string;
  cityCode: string;
  k: string;
}
export interface SummaryDrift {
  metric: string;
  key: DailyKey | CurrentKey;
  summary: number;
  recomputed: number;
}

/**
 * Where a summary differs from its recomputation from the base tables: empty when exact. Compared in MySQL (a summary's rows
 * against the recomputed ones, zero and missing alike), in one REPEATABLE READ snapshot, so a write committed meanwhile is
 * either in both sides or in neither and never reads as drift. `limit` bounds the rows answered.
 */
export async function summaryDrift(db: Db, limit = 1000): Promise<SummaryDrift[]> {
  return db.transaction(
    async (trx) => {
      const drift: SummaryDrift[] = [];
      for (const summary of ['stat_daily', 'stat_current'] as const) {
        const metrics = METRICS.filter((m) => m.summary === summary);
        const columns = KEY_COLUMNS[summary];
        const outKeys = columns.map((c) => (c === 'day' ? `DATE_FORMAT(day, '%Y-%m-%d') AS day` : c)).join(', ');
        const sides = [
          `SELECT metric, ${columns.join(', ')}, value AS summary, 0 AS recomputed FROM ${summary} WHERE metric IN (${metrics.map((m) => quote(m.metric)).join(', ')})`,
          ...metrics.map((m) => `SELECT metric, ${columns.join(', ')}, 0 AS summary, value AS recomputed FROM (${recomputeSql(m)}) x`),
        ];
        const [rows] = await trx.raw(
          `SELECT metric, ${outKeys}, SUM(summary) AS summary, SUM(recomputed) AS recomputed FROM (${sides.join(' UNION ALL ')}) u ` +
            `GROUP BY metric, ${columns.join(', ')} HAVING SUM(summary) <> SUM(recomputed) ORDER BY metric, ${columns.join(', ')} LIMIT ?`,
          [limit - drift.length],
        );
        for (const r of rows as Array<Record<string, string | number>>) {
          const key =
            summary === 'stat_daily'
              ? {
                  provinceCode: String(r.province_code),
                  cityCode: String(r.city_code),
                  occupationCode: String(r.occupation_code),
                  level: Number(r.level),
                  day: String(r.day),
                }
              : { provinceCode: String(r.province_code), cityCode: String(r.city_code), k: String(r.k) };
          drift.push({ metric: String(r.metric), key, summary: Number(r.summary), recomputed: Number(r.recomputed) });
        }
        if (drift.length >= limit) break;
      }
      return drift;
    },
    { isolationLevel: 'repeatable read' },
  );
}
