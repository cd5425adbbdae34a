import mysql from 'mysql2/promise';
import { ulid } from 'ulid';
import { CATEGORIES, COMPLAINT_STATUSES, SEVERITIES } from '../../domain/complaint';
import { scaled, type BenchContext } from '../env';
import { expectStatus } from '../http';
import { cpuMeter } from '../procs';
import { apiAgainstRaw, figure, medianCpu, type ScenarioReport } from '../report';
import { closedLoop, round } from '../stats';

const FULL_ROWS = 100_000;
const FULL_REQUESTS = 4000;
const CONCURRENCY = 32;
const INSERT_BATCH = 2000;
const PROVINCES = [
  '110000',
  '120000',
  '130000',
  '310000',
  '320000',
  '330000',
  '350000',
  '370000',
  '410000',
  '420000',
  '430000',
  '440000',
  '450000',
  '500000',
  '510000',
  '610000',
];
const INVESTIGATORS = ['insp-1', 'insp-2', 'insp-4', 'insp-5', 'insp-6', 'insp-7'];

/** A list request as a user makes it; its SQL is captured from the endpoint for the baseline. */
interface Variant {
  as: string;
  query: string;
}

/** What staff ask for most: the latest cases, by status, category and severity, region, overdue, their own, the next page. */
function variants(midId: string): Variant[] {
  return [
    { as: 'sup-1', query: 'limit=20' },
    { as: 'sup-1', query: 'status=investigating' },
    { as: 'handler-1', query: 'category=examiner_misconduct&severity=serious' },
    { as: 'sup-1', query: 'provinceCode=440000&status=received' },
    { as: 'sup-1', query: 'overdue=true' },
    { as: 'insp-2', query: 'limit=20' },
    { as: 'handler-1', query: 'pendingOnMe=true' },
    { as: 'sup-1', query: `status=closed&cursor=${midId}` },
  ];
}

/**
 * Fixture cases, written straight into MySQL (not through workflows): ids are ULIDs of their creation
 * time over the past year, so id order is time order as for real cases; statuses, categories,
 * severities, regions, investigators and escalations spread as a working system would have them.
 */
async function insertFixtures(ctx: BenchContext, rows: number): Promise<void> {
  const now = Date.now();
  const year = 365 * 86_400_000;
  // Mostly settled cases, a working set of open ones.
  const statuses: Array<(typeof COMPLAINT_STATUSES)[number]> = [
    'final',
    'final',
    'final',
    'closed',
    'closed',
    'investigating',
    'investigating',
    'triaged',
    'received',
    'answered',
    'merged',
    'consultation',
    'appealed',
  ];
  const summary = JSON.stringify({ facts: [], finding: null, mergedInto: null, mergedComplaints: [], targets: {} });
  const random = seeded(20261125);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
  for (let start = 0; start < rows; start += INSERT_BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(rows, start + INSERT_BATCH); i++) {
      const status = pick(statuses);
      const createdAt = now - Math.floor(random() * year);
      const investigating = ['investigating', 'closed', 'final', 'appealed'].includes(status);
      const open = ['received', 'triaged', 'investigating', 'consultation', 'appealed'].includes(status);
      const settled = status === 'closed' || status === 'final';
      batch.push({
        id: ulid(createdAt),
        tracking_number: `TF${String(i).padStart(10, '0')}`,
        secret_hash: 'f'.repeat(64),
        status,
        category: pick(CATEGORIES),
        severity: status === 'received' || status === 'consultation' ? null : pick(SEVERITIES),
        province_code: pick(PROVINCES),
        station_id: null,
        examiner_id: null,
        investigator_id: investigating ? pick(INVESTIGATORS) : null,
        pending_role: status === 'investigating' || status === 'appealed' ? 'inspector' : open ? 'complaint_handler' : null,
        due_at: open ? new Date(createdAt + 30 * 86_400_000) : null,
        // One open case in twenty is overdue.
        escalation_level: open && random() < 0.05 ? 1 + Math.floor(random() * 3) : 0,
        finding: settled ? 'unsubstantiated' : null,
        sla_met: settled ? random() < 0.9 : null,
        closed_at: settled ? new Date(createdAt + 20 * 86_400_000) : null,
        anonymous: random() < 0.25,
        appeal_until: null,
        summary,
        version: 3,
        created_at: new Date(createdAt),
        updated_at: new Date(createdAt),
      });
    }
    await ctx.env.owner('complaints').insert(batch);
  }
}

/** A small deterministic generator (mulberry32): the same fixtures on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * GET /v1/complaints over 100,000 cases at concurrency 32 (eight request kinds in turn), against a
 * raw mysql2 pool of the same size running the SQL the endpoint ran for each kind, captured from knex.
 */
export async function list(ctx: BenchContext): Promise<ScenarioReport> {
  const { env } = ctx;
  const rows = scaled(ctx, FULL_ROWS, 1000);
  const requests = scaled(ctx, FULL_REQUESTS, 200);
  const t0 = performance.now();
  await insertFixtures(ctx, rows);
  await env.owner.raw('ANALYZE TABLE complaints');
  const [{ total }] = await env.db('complaints').count({ total: '*' });
  ctx.log(`list: ${total} complaints in MySQL (${rows} fixtures inserted in ${round((performance.now() - t0) / 1000, 1)} s)`);
  const [{ midId }] = await env
    .db('complaints')
    .where({ status: 'closed' })
    .orderBy('id', 'desc')
    .offset(Math.floor(rows / 20))
    .limit(1)
    .select({ midId: 'id' });

  // The SQL of each kind of request, as the endpoint sends it.
  const kinds = variants(midId);
  const captured: Array<{ sql: string; bindings: unknown[] }> = [];
  // Every statement of the request (the page and its total), for a reference beside the baseline.
  const capturedAll: Array<Array<{ sql: string; bindings: unknown[] }>> = [];
  for (const v of kinds) {
    const seen: Array<{ sql: string; bindings: unknown[] }> = [];
    const listener = (q: { sql: string; bindings: unknown[] }) => seen.push(q);
    env.db.on('query', listener);
    expectStatus(await env.http.request('GET', `/v1/complaints?${v.query}`, { token: env.token(v.as) }), 200, `list ${v.query}`);
    env.db.off('query', listener);
    const listing = seen.find((q) => /from `complaints`/.test(q.sql));
    if (!listing) throw new Error(`no complaints query seen for ${v.query}`);
    captured.push({ sql: listing.sql, bindings: listing.bindings });
    capturedAll.push(seen.filter((q) => /from `complaints`/.test(q.sql)));
  }
  // The same pool size and connection settings as the application's knex pool (db/knexfile.ts).
  const pool = mysql.createPool({ uri: env.config.databaseUrl, connectionLimit: 10, timezone: 'Z', supportBigNumbers: true, dateStrings: false });

  const api = async (i: number) => {
    const v = kinds[i % kinds.length];
    expectStatus(await env.http.request('GET', `/v1/complaints?${v.query}`, { token: env.token(v.as) }), 200, 'list');
  };
  const raw = async (i: number) => {
    const q = captured[i % captured.length];
    await pool.query(q.sql, q.bindings);
  };
  const rawAll = async (i: number) => {
    await Promise.all(capturedAll[i % capturedAll.length].map((q) => pool.query(q.sql, q.bindings)));
  };
  const runs = [];
  const cpu = [];
  try {
    // Warm the buffer pool and both paths once, unmeasured.
    await closedLoop(kinds.length * 4, CONCURRENCY, api);
    await closedLoop(kinds.length * 4, CONCURRENCY, raw);
    for (let run = 0; run < ctx.runs; run++) {
      const meter = cpuMeter(env.pids());
      const first = run % 2 === 0 ? 'api' : 'raw';
      const a = first === 'api' ? await closedLoop(requests, CONCURRENCY, api) : undefined;
      const r = await closedLoop(requests, CONCURRENCY, raw);
      const apiResult = a ?? (await closedLoop(requests, CONCURRENCY, api));
      cpu.push(meter());
      const both = await closedLoop(requests, CONCURRENCY, rawAll);
      // Each kind's own tail, to see which query (and which index) a slow p99 comes from.
      const perKind = [];
      for (const [k, v] of kinds.entries()) {
        const one = await closedLoop(Math.max(32, Math.round(requests / kinds.length / 4)), CONCURRENCY, () => api(k));
        perKind.push({ query: v.query, as: v.as, p99: one.p99, throughput: one.throughput });
      }
      ctx.log(`list run ${run + 1}: API ${apiResult.throughput}/s p99 ${apiResult.p99} ms, raw ${r.throughput}/s, raw page and total ${both.throughput}/s`);
      runs.push({ api: apiResult, raw: r, rawAll: both, perKind });
    }
  } finally {
    await pool.end();
  }
  const compared = apiAgainstRaw(runs, { ratio: 0.7, p99Ms: 25 });
  return {
    id: 'list',
    title: `list endpoint with ${Number(total).toLocaleString('en')} complaints in MySQL, concurrency 32`,
    ...compared,
    extra: [
      ...compared.extra,
      figure(
        'raw mysql2, every statement the endpoint sends (the page and its total, together)',
        'req/s',
        runs.map((r) => r.rawAll.throughput),
      ),
      figure(
        'API against it',
        '×',
        runs.map((r) => r.api.throughput / r.rawAll.throughput),
      ),
    ],
    cpu: medianCpu(cpu),
    runs,
    settings: `${rows} fixture complaints; ${requests} requests per side per run at ${CONCURRENCY} concurrent callers over ${kinds.length} kinds (${kinds.map((k) => k.query).join(', ')}); knex and mysql2 pools of 10 connections.`,
  };
}
