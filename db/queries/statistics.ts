import type { Knex } from 'knex';
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
export type BaseTable = 'appraisal_sessions' | 'certificates' | 'blank_forms';

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
 * The city of the station holding a certificate or a form ('' for none: an imported certificate, a province's stock). A
 * trigger looks it up once per row into a local variable (stationCityLookups) rather than once per metric.
 */
const stationCityOf = (r: string) => `COALESCE((SELECT s.city_code FROM stations s WHERE s.id = ${r}.station_id), '')`;
const stationCity: RowSql = (r) => (r === 'NEW' || r === 'OLD' ? `${r.toLowerCase()}_station_city` : stationCityOf(r));
const stationCityLookups = (rows: Array<'NEW' | 'OLD'>) =>
  [...rows.map((r) => `DECLARE ${stationCity(r)} CHAR(6);`), ...rows.map((r) => `SET ${stationCity(r)} = ${stationCityOf(r)};`)].join(' ');
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
];

const metricsOf = (table: BaseTable) => METRICS.filter((m) => m.table === table);
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const keySql = (m: Metric, r: string) => KEY_COLUMNS[m.summary].map((c) => m.key[c](r));

/** The metric recomputed from its base table: one row per summary key with a non-zero count. */
export function recomputeSql(m: Metric): string {
  const keys = keySql(m, 'r');
  const columns = KEY_COLUMNS[m.summary];
  // Keyed in a derived table: GROUP BY would read a base column of the same name before the select's alias.
  return (
    `SELECT ${quote(m.metric)} AS metric, ${columns.join(', ')}, SUM(v) AS value ` +
    `FROM (SELECT ${keys.map((k, i) => `${k} AS ${columns[i]}`).join(', ')}, ${m.value('r')} AS v FROM ${m.table} r) x ` +
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
  const lookups = (rows: Array<'NEW' | 'OLD'>) => (metrics.some((m) => Object.values(m.key).includes(stationCity)) ? [stationCityLookups(rows)] : []);
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
