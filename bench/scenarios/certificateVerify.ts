import mysql from 'mysql2/promise';
import { composeCertificateNumber } from '../../domain/certificate';
import { OCCUPATIONS } from '../../domain/occupations';
import { scaled, type BenchContext } from '../env';
import { expectStatus } from '../http';
import { cpuMeter } from '../procs';
import { apiAgainstRaw, figure, medianCpu, type ScenarioReport } from '../report';
import { closedLoop, round } from '../stats';

const FULL_ROWS = 10_000_000;
const FULL_REQUESTS = 20_000;
const CONCURRENCY = 32;
/** Rows per INSERT … SELECT: a statement each, so the log shows progress and no transaction grows to gigabytes. */
const CHUNK = 1_000_000;
// Hainan: the import scenario writes Guangdong's and Guangxi's numbers into the same table.
const PROVINCE = '460000';
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'];
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞'];

/** The fixture holder of sequence `seq`: the same in SQL (below) and here, so a request names the holder right. */
const holderName = (seq: number) => `${SURNAMES[seq % 20]}${GIVEN[Math.floor(seq / 20) % 20]}`;
const yearOf = (seq: number) => 2015 + (seq % 12);
const levelOf = (seq: number) => 1 + (Math.floor(seq / 7) % 5);

/** ISO 7064 MOD 11-2 over a 15-digit SQL string expression `b`, as domain/checkCharacter.ts computes it. */
function checkCharacterSql(b: string): string {
  // The Horner form there equals Σ dᵢ·2^(16−i) mod 11 for i = 1..15; the check is (12 − sum) mod 11, 10 written X.
  const terms = Array.from({ length: 15 }, (_, i) => `SUBSTRING(${b}, ${i + 1}, 1) * ${2 ** (15 - i) % 11}`);
  return `ELT((12 - (${terms.join(' + ')}) MOD 11) MOD 11 + 1, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X')`;
}

/**
 * Ten million certificates written by MariaDB itself (INSERT … SELECT over its sequence engine, no round trip per
 * row): numbers with their check characters over twelve years and five levels, a name from a fixed pattern,
 * one in a hundred revoked, spread over the demo stations (none: imported ones without a station).
 */
async function insertFixtures(ctx: BenchContext, rows: number): Promise<void> {
  const stations: number[] = await ctx.env.owner('stations').orderBy('id').pluck('id');
  const sql = (from: number, to: number) => {
    const seq = 's.seq';
    const body = `CONCAT('${PROVINCE.slice(0, 2)}', 2015 + ${seq} MOD 12, 1 + FLOOR(${seq} / 7) MOD 5, LPAD(${seq}, 8, '0'))`;
    const names = (list: string[], i: string) => `ELT(${i} + 1, ${list.map((n) => `'${n}'`).join(', ')})`;
    return `INSERT INTO certificates (number, holder_name, holder_masked_id, holder_id_hash, occupation_code, level, station_id, issuer_code,
        issued_on, quarter, source, status, revoked_at, revoked_reason, created_at)
      SELECT CONCAT(b, ${checkCharacterSql('b')}), CONCAT(${names(SURNAMES, `${seq} MOD 20`)}, ${names(GIVEN, `FLOOR(${seq} / 20) MOD 20`)}),
        '4401**********123X', LPAD(HEX(${seq}), 64, '0'), ELT(${seq} MOD ${OCCUPATIONS.length} + 1, ${OCCUPATIONS.map((o) => `'${o.code}'`).join(', ')}),
        1 + FLOOR(${seq} / 7) MOD 5, ${stations.length ? `ELT(${seq} MOD ${stations.length} + 1, ${stations.join(', ')})` : 'NULL'}, '${PROVINCE}',
        MAKEDATE(2015 + ${seq} MOD 12, 1 + ${seq} MOD 360), CONCAT(2015 + ${seq} MOD 12, 'Q', 1 + FLOOR((${seq} MOD 360) / 91.5)), 'legacy',
        IF(${seq} MOD 100 = 0, 'revoked', 'valid'), IF(${seq} MOD 100 = 0, NOW(3), NULL), IF(${seq} MOD 100 = 0, '舞弊取得', NULL), NOW(3)
      FROM (SELECT ${seq}, ${body} AS b FROM seq_${from}_to_${to} s) s`;
  };
  for (let from = 1; from <= rows; from += CHUNK) {
    const to = Math.min(rows, from + CHUNK - 1);
    await ctx.env.owner.raw(sql(from, to));
    ctx.log(`certificateVerify: ${to.toLocaleString('en')} of ${rows.toLocaleString('en')} fixtures`);
  }
}

/**
 * Public verification (GET /v1/public/certificates/{number}?name=) over ten million certificates at 32 concurrent
 * callers, against a raw mysql2 pool of the same size running the SQL the endpoint ran, captured from knex.
 */
export async function certificateVerify(ctx: BenchContext): Promise<ScenarioReport> {
  const { env } = ctx;
  const rows = scaled(ctx, FULL_ROWS, 10_000);
  const requests = scaled(ctx, FULL_REQUESTS, 500);
  const t0 = performance.now();
  await insertFixtures(ctx, rows);
  await env.owner.raw('ANALYZE TABLE certificates');
  const insertS = round((performance.now() - t0) / 1000, 1);
  ctx.log(`certificateVerify: ${rows} fixtures in ${insertS} s`);

  // Holders spread over the whole table, drawn once so that both sides ask for the same ones.
  let state = 20261129;
  const draw = () => (state = (state * 48271) % 2147483647) % rows;
  const wanted = Array.from({ length: 4096 }, () => {
    const seq = 1 + draw();
    return {
      number: composeCertificateNumber({ provinceCode: PROVINCE.slice(0, 2), year: yearOf(seq), level: levelOf(seq), sequence: seq }),
      name: holderName(seq),
    };
  });
  const path = (w: (typeof wanted)[number]) => `/v1/public/certificates/${w.number}?name=${encodeURIComponent(w.name)}`;

  // The SQL the endpoint sends for a lookup, to run the same on the raw pool.
  const seen: Array<{ sql: string; bindings: unknown[] }> = [];
  const listener = (q: { sql: string; bindings: unknown[] }) => seen.push(q);
  env.db.on('query', listener);
  expectStatus(await env.http.request('GET', path(wanted[0])), 200, 'verify');
  env.db.off('query', listener);
  const lookup = seen.find((q) => /from `certificates`/.test(q.sql));
  if (!lookup) throw new Error('no certificates query seen for a verification');
  const numberAt = lookup.bindings.findIndex((b) => b === wanted[0].number);
  const pool = mysql.createPool({ uri: env.config.databaseUrl, connectionLimit: 10, timezone: 'Z', supportBigNumbers: true, dateStrings: false });

  const api = async (i: number) => {
    expectStatus(await env.http.request('GET', path(wanted[i % wanted.length])), 200, 'verify');
  };
  const healthz = async () => {
    expectStatus(await env.http.request('GET', '/healthz'), 200, 'healthz');
  };
  const raw = async (i: number) => {
    const bindings = [...lookup.bindings];
    bindings[numberAt] = wanted[i % wanted.length].number;
    await pool.query(lookup.sql, bindings);
  };
  const runs = [];
  const cpu = [];
  let queriesPerRequest: number;
  try {
    await closedLoop(256, CONCURRENCY, api);
    await closedLoop(256, CONCURRENCY, raw);
    // What a request costs MySQL besides the look-up (the address's count, batched), seen from the API's pool.
    let queries = 0;
    const counter = () => (queries += 1);
    env.db.on('query', counter);
    await closedLoop(1000, CONCURRENCY, api);
    env.db.off('query', counter);
    queriesPerRequest = queries / 1000;
    ctx.log(`certificateVerify: ${queriesPerRequest} queries per request`);

    for (let run = 0; run < ctx.runs; run++) {
      const meter = cpuMeter(env.pids());
      const first = run % 2 === 0 ? 'api' : 'raw';
      const a = first === 'api' ? await closedLoop(requests, CONCURRENCY, api) : undefined;
      const r = await closedLoop(requests, CONCURRENCY, raw);
      const apiResult = a ?? (await closedLoop(requests, CONCURRENCY, api));
      cpu.push(meter());
      // The ceiling of any answer through this HTTP stack and load generator: the same callers on /healthz (no query).
      const ceiling = await closedLoop(requests, CONCURRENCY, healthz);
      ctx.log(`certificateVerify run ${run + 1}: API ${apiResult.throughput}/s p99 ${apiResult.p99} ms, raw ${r.throughput}/s p99 ${r.p99} ms`);
      runs.push({ api: apiResult, raw: r, ceiling });
    }
  } finally {
    await pool.end();
  }
  const compared = apiAgainstRaw(runs, { ratio: 0.8, p99Ms: 20 });
  return {
    id: 'certificateVerify',
    title: `public certificate verification with ${rows.toLocaleString('en')} certificates in MySQL, concurrency ${CONCURRENCY}`,
    ...compared,
    extra: [
      ...compared.extra,
      figure(
        'HTTP ceiling: /healthz, same callers',
        'req/s',
        runs.map((r) => r.ceiling.throughput),
      ),
      figure('fixture insert', 's', [insertS]),
    ],
    cpu: medianCpu(cpu),
    runs,
    settings: `${rows} fixture certificates (INSERT … SELECT over MariaDB's sequence engine); ${requests} lookups by number and name per side per run at ${CONCURRENCY} callers over 4,096 holders; the address rate limit raised out of the way (it is one address) but counted, ${queriesPerRequest} queries per request on the API's pool; knex and mysql2 pools of 10 connections.`,
  };
}
