import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { mintToken } from '../api/auth';
import exampleApplication from '../db/seeds/station-application.example.json';
import { upsertUsers } from '../db/queries/users';
import type { Db } from '../db/connect';
import type { DeepPartial, Policy } from '../domain/policy';
import { ROOT } from '../platform/config';
import { generateExaminerCsv, nationalId } from '../test/support/examinerCsv';
import { candidate, checklistScores, day, goodScores } from '../test/support/caseData';
import type { ApiProcessSettings, FromApi } from './apiConfig';
import { engineLabel, startBenchEnv, type BenchEnv } from './env';
import { expectStatus, httpClient } from './http';
import { cpuMeter } from './procs';
import { round } from './stats';

/**
 * `TEMPORAL_CLI_PATH=$(bash scripts/temporal-cli.sh) npx tsx bench/caseCost.ts` (a dev server of its own), or with
 * TEMPORAL_ADDRESS a running Temporal server (bench/env.ts): what one case of each kind costs, for CAPACITY.md. Drives a few
 * cases of each kind through the API on their usual path, one kind after another, and after each kind (once the
 * system is quiet again) reads the deltas: workflow tasks, history events and bytes summed over every workflow of the
 * namespace (so a case's child workflows and the programme it touches count), rows and bytes per MySQL table, and the
 * CPU seconds of the worker, the API, the Temporal server and MariaDB. Writes bench/results/case-cost-<time>.json.
 * CASE_COST_SCALE (default 1) scales the number of cases.
 */

const SCALE = Number(process.env.CASE_COST_SCALE ?? 1);
const n = (count: number) => Math.max(1, Math.round(count * SCALE));
const STATIONS = n(10);
const SESSIONS = n(5);
const ROSTER = 30;
const COMPLAINTS = n(15);
const IMPORTED = n(20);
const RENEWALS = n(10);

/**
 * The API's policy for this run: the defaults (deadlines of days, so every timer a case sets is created and none
 * fires during the run), except what lets a session be registered and held within the run and a renewal be filed
 * by an examiner with no sessions yet; no random supervision of sessions (a visit report would be one more actor).
 */
const POLICY: DeepPartial<Policy> = {
  complaint: { intakeRate: { max: 10_000_000, window: 'PT1H' } },
  session: { registerDaysAhead: 0, rosterLockBefore: 'PT0S', supervisionShare: 0 },
  qualification: { renewal: { minSessions: 0 } },
};

type Http = ReturnType<typeof httpClient>;
type Measured = Kind & {
  wallS: number;
  perCase: {
    workflows: number;
    workflowTasks: number;
    historyEvents: number;
    historyBytes: number;
    mysqlRows: number;
    mysqlBytes: number;
    cpuS: Record<string, number>;
  };
};
interface Kind {
  kind: string;
  /** What one case is. */
  unit: string;
  cases: number;
  /** Further units a case holds (appraisals and certificates of a session), to divide by. */
  per?: Record<string, number>;
  /** Sessions whose certificates the register refused, with its reason. */
  notIssued?: string[];
}

async function main(): Promise<void> {
  const began = performance.now();
  const log = (line: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const env = await startBenchEnv(log);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void env.close().finally(() => process.exit(130)));
  let api: { child: ChildProcess; http: Http } | undefined;
  try {
    api = await startApi(env);
    const run = await measureAll(env, api, log);
    const at = new Date().toISOString();
    const result = {
      at,
      wallS: round((performance.now() - began) / 1000),
      engine: engineLabel(env.engine),
      machine: { cpus: os.availableParallelism(), loadAverage: os.loadavg().map((l) => round(l)) },
      versions: env.versions,
      policy: POLICY,
      ...run,
    };
    const dir = path.join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `case-cost-${at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n${table(run.kinds)}\n\nresults: ${path.relative(ROOT, file)}`);
  } catch (error) {
    await env.close(true);
    throw error;
  } finally {
    if (api) await stop(api.child);
  }
  await env.close();
}

/**
 * A second API process (bench/apiProcess.ts, as startBenchEnv starts its own) on the same database, Temporal and
 * task queue, under this run's policy: the policy a case runs under is the one the API hands it at its start.
 */
async function startApi(env: BenchEnv): Promise<{ child: ChildProcess; http: Http }> {
  const settings: ApiProcessSettings = {
    databaseUrl: env.config.databaseUrl,
    taskQueue: env.taskQueue,
    temporalAddress: env.config.temporalAddress,
    smtpUrl: env.config.smtpUrl,
    sealingKey: process.env.COMPLAINT_KEY!,
    policy: POLICY,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'apiProcess.ts')], {
    cwd: ROOT,
    env: { ...process.env, BENCH_API_SETTINGS: JSON.stringify(settings) },
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: FromApi) => 'ready' in m && resolve(m.ready));
    child.once('exit', (code) => reject(new Error(`the API process exited (${code}) before it was ready`)));
  });
  return { child, http: httpClient(`http://127.0.0.1:${port}`, 64) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function measureAll(env: BenchEnv, api: { child: ChildProcess; http: Http }, log: (line: string) => void) {
  const tokens = new Map<string, string>();
  const token = async (userId: string) => {
    if (!tokens.has(userId)) tokens.set(userId, await mintToken(env.config, userId, '12h'));
    return tokens.get(userId)!;
  };
  const call = async (method: string, urlPath: string, as: string | null, body?: unknown, contentType?: string) =>
    api.http.request(method, urlPath, { token: as ? await token(as) : undefined, body, contentType });
  const ok = async (method: string, urlPath: string, as: string | null, body?: unknown, status = 200) =>
    expectStatus(await call(method, urlPath, as, body), status, `${method} ${urlPath} as ${as}`);

  // Examiners of our own (the demo register has five, and an examiner sits at one session a day): two per session,
  // and those who file a renewal. Written into the user register as a fixture, as the demo users are.
  const examiners = Array.from({ length: 2 * SESSIONS + RENEWALS }, (_, i) => ({
    id: `bench-exam-${i + 1}`,
    name: `基准考评员${i + 1}`,
    email: `bench.exam.${i + 1}@bench.example`,
    roles: ['examiner' as const],
    organisation: '佛山市基准考评中心',
    affiliations: [],
    jurisdictions: ['440600'],
  }));
  await upsertUsers(env.owner, examiners);

  // Our API instead of the environment's (idle); the engine's processes as bench/env.ts names them.
  const pids = () => {
    const { bench: _bench, ...named } = env.pids() as Record<string, number | undefined>;
    return { ...named, api: api.child.pid };
  };
  const histories = temporalMeter(env);
  const mysql = await mysqlMeter(env.owner);
  const kinds: Measured[] = [];

  /** Drives one kind, waits until the system is quiet, and records the deltas per case. */
  async function measure(kind: Kind, drive: () => Promise<Partial<Kind> | void>) {
    log(`${kind.kind}: ${kind.cases} ${kind.unit}`);
    await quiet(env);
    const [t0, m0] = [await histories.snapshot(), await mysql.snapshot()];
    const meter = cpuMeter(pids());
    const w0 = performance.now();
    const more = (await drive()) ?? {};
    const driveS = (performance.now() - w0) / 1000;
    await quiet(env);
    const wallS = (performance.now() - w0) / 1000;
    const cores = meter();
    const [t1, m1] = [await histories.snapshot(), await mysql.snapshot()];
    const k = { ...kind, ...more };
    const per = (v: number) => round(v / k.cases, 3);
    const tables = Object.fromEntries(
      Object.keys(m1)
        .map((t) => [t, { rows: per(m1[t].rows - (m0[t]?.rows ?? 0)), bytes: per(m1[t].bytes - (m0[t]?.bytes ?? 0)) }] as const)
        .filter(([, d]) => d.rows !== 0 || d.bytes !== 0),
    );
    const sum = (f: (d: { rows: number; bytes: number }) => number) =>
      round(
        Object.values(tables).reduce((s, d) => s + f(d), 0),
        1,
      );
    // The engine: the dev server, or a server's services and its PostgreSQL backends.
    const seconds = (names: string[]) => round((names.reduce((s, p) => s + (cores[p] || 0), 0) * wallS) / k.cases, 3);
    const engine = Object.keys(cores).filter((p) => p.startsWith('temporal') || p.startsWith('postgres'));
    const cpuS = { worker: seconds(['worker']), api: seconds(['api']), temporal: seconds(engine), mariadb: seconds(['mariadb']) };
    const entry = {
      ...k,
      driveS: round(driveS),
      wallS: round(wallS),
      perCase: {
        workflows: per(t1.workflows - t0.workflows),
        workflowTasks: per(t1.tasks - t0.tasks),
        historyEvents: per(t1.events - t0.events),
        historyBytes: Math.round((t1.bytes - t0.bytes) / k.cases),
        mysqlRows: sum((d) => d.rows),
        mysqlBytes: sum((d) => d.bytes),
        cpuS,
      },
      byWorkflowType: typeDeltas(t0.byType, t1.byType, k.cases),
      tables,
      cores: { ...cores },
    };
    kinds.push(entry);
    log(`${kind.kind}: ${JSON.stringify(entry.perCase)}`);
  }

  // 1. Station approval: application → completeness → review → on-site assessment → decision → licence, which
  //    starts the station's programme (test/support/fixtures.ts licenseStation).
  const stationIds: number[] = [];
  await measure({ kind: 'station approval', unit: 'applications to a licence and a running programme', cases: STATIONS }, async () => {
    const one = async (i: number) => {
      const application = {
        ...exampleApplication,
        organisation: { name: `基准机械厂${i}`, creditCode: `91440605MA${String(i).padStart(7, '0')}X` },
        stationName: `基准机械厂${i}职业技能鉴定站`,
        declaredAffiliations: [],
      };
      const id = (await ok('POST', '/v1/station-applications', 'admin-1', application, 201)).id as string;
      const act = (step: string, as: string, body: unknown) => ok('POST', `/v1/station-applications/${id}/${step}`, as, body);
      await act('reviewer', 'sup-1', { reviewerId: 'rev-2' });
      await act('review', 'rev-2', { outcome: 'pass' });
      await act('assessors', 'sup-1', { assessorIds: ['insp-1', 'insp-2'] });
      await act('assessments', 'insp-1', { scores: goodScores });
      if ((await act('assessments', 'insp-2', { scores: goodScores })).status === 'awaiting_concurrence')
        await act('concurrence', 'sup-mach', { outcome: 'concur' });
      await act('decision', 'sup-2', { outcome: 'approve' });
      const stationId = await eventually(async () => (await call('GET', `/v1/station-applications/${id}`, 'sup-1')).body.record.stationId ?? undefined);
      await eventually(async () => (await call('GET', `/v1/stations/${stationId}`, 'sup-1')).body.programme ?? undefined);
      stationIds.push(stationId as number);
    };
    await Promise.all(Array.from({ length: STATIONS }, (_, i) => one(i + 1)));
  });

  // 2. An ad-hoc inspection of each new station, from team assignment to an A rating, which the programme records.
  await measure({ kind: 'inspection', unit: 'ad-hoc inspections to a passed review (with the programme recording the rating)', cases: STATIONS }, async () => {
    const one = async (stationId: number) => {
      const id = (await ok('POST', '/v1/inspections', 'sup-1', { stationId, reason: '基准抽查' }, 201)).id as string;
      const act = (step: string, as: string, body: unknown = {}) => ok('POST', `/v1/inspections/${id}/${step}`, as, body);
      await act('team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
      await act('acknowledge', 'insp-1');
      await act('acknowledge', 'insp-2');
      await act('scores', 'insp-1', { scores: checklistScores(), notes: 'files sampled: 20' });
      await act('scores', 'insp-2', { scores: checklistScores() });
      await act('report', 'insp-1', { summary: '符合要求' });
      await act('review', 'sup-1', { outcome: 'pass' });
      await eventually(async () => ((await call('GET', `/v1/stations/${stationId}`, 'sup-1')).body.rating === 'A' ? true : undefined));
    };
    await Promise.all(stationIds.map(one));
  });

  // 3. Examiner qualification by application: the examiner applies, a reviewer admits (a cycle of renewal reminders).
  const qualificationOf = new Map<string, string>();
  await measure({ kind: 'qualification (application and admission)', unit: 'qualifications applied for and admitted', cases: examiners.length }, async () => {
    await Promise.all(
      examiners.map(async (e, i) => {
        const applied = await ok(
          'POST',
          '/v1/qualifications',
          e.id,
          { occupationCode: '6-18-01-01', level: 3, trainingHours: 48, examScore: 82, nationalId: nationalId(5000 + i) },
          201,
        );
        await ok('POST', `/v1/qualifications/${applied.id}/admission-decision`, 'rev-2', { outcome: 'approve' });
        qualificationOf.set(e.id, applied.id as string);
      }),
    );
  });

  // 4. Examiner qualification by bulk import (the register's CSV): one import workflow starting one cycle per row.
  await measure({ kind: 'qualification (bulk import)', unit: 'imported qualifications (one import of them all)', cases: IMPORTED }, async () => {
    const { csv } = generateExaminerCsv(IMPORTED, `CC${Date.now().toString(36).toUpperCase()}`);
    const imported = expectStatus(await call('POST', '/v1/examiners/import', 'sup-1', csv, 'text/csv'), 201, 'examiner import');
    if (imported.imported !== IMPORTED) throw new Error(`imported ${imported.imported} of ${IMPORTED}`);
    await eventually(async () => {
      const [{ c }] = await env.db('qualifications').where({ import_id: imported.importId }).where('version', '>', 0).count({ c: '*' });
      return Number(c) === IMPORTED || undefined;
    }, 120_000);
  });

  // 5. A renewal: the examiner files it, a reviewer approves it (a new cycle).
  await measure({ kind: 'qualification renewal', unit: 'renewals filed and approved', cases: RENEWALS }, async () => {
    await Promise.all(
      examiners.slice(2 * SESSIONS).map(async (e) => {
        const id = qualificationOf.get(e.id)!;
        await ok('POST', `/v1/qualifications/${id}/renewal`, e.id, { trainingHours: 30, notes: '两门培训' });
        const renewed = await ok('POST', `/v1/qualifications/${id}/renewal-decision`, 'rev-2', { outcome: 'approve' });
        if (renewed.status !== 'active') throw new Error(`renewal of ${id}: ${renewed.status}`);
      }),
    );
  });

  // 6. Appraisal sessions: registered with a roster of 30, held, scored by two examiners (each confirming the other's
  //    practical scores), submitted, re-checked on the sample, approved, and their certificates issued.
  await measure({ kind: 'appraisal session', unit: `sessions with a roster of ${ROSTER} to approved results and certificates`, cases: SESSIONS }, async () => {
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    const [startsAt, endsAt] = [at(30 + 3 * SESSIONS), at(35 + 3 * SESSIONS)];
    let certificates = 0;
    const notIssued: string[] = [];
    const one = async (s: number) => {
      const [a, b] = [examiners[2 * s].id, examiners[2 * s + 1].id];
      const stationId = stationIds[s % stationIds.length];
      const body = {
        occupationCode: '6-18-01-01',
        level: 3,
        date: day(0),
        startsAt,
        endsAt,
        site: { provinceCode: '440000', cityCode: '440600', address: '实训楼2号车间' },
        examinerIds: [a, b],
        expectedCandidates: ROSTER,
      };
      const sessionId = (await ok('POST', `/v1/stations/${stationId}/sessions`, 'admin-1', body, 201)).sessionId as string;
      const act = (step: string, as: string, b: unknown = {}) => ok('POST', `/v1/sessions/${sessionId}/${step}`, as, b);
      const live = async () => (await call('GET', `/v1/sessions/${sessionId}`, 'sup-1')).body.live;
      const roster = Array.from({ length: ROSTER }, (_, i) => candidate(100 + s * ROSTER + i, `考生${s}-${i}`));
      const added = (await act('candidates', 'admin-1', { candidates: roster })).candidates as Array<{ id: string }>;
      await eventually(async () => ((await live()).status === 'scoring' ? true : undefined), 120_000);
      // One absent, a few failing, the rest passing with ordinary scores.
      const entry = (c: { id: string }, i: number) =>
        i === 0 ? { candidateId: c.id, absent: true } : { candidateId: c.id, theory: 55 + ((i * 7) % 40), practical: 58 + ((i * 11) % 38) };
      const half = Math.ceil(added.length / 2);
      const [mine, theirs] = [added.slice(0, half), added.slice(half)];
      await act('scores', a, { entries: mine.map((c, i) => entry(c, i)) });
      await act('scores', b, { entries: theirs.map((c, i) => entry(c, half + i)) });
      await act('practical-confirmations', b, { candidateIds: mine.slice(1).map((c) => c.id) });
      await act('practical-confirmations', a, { candidateIds: theirs.map((c) => c.id) });
      await act('submission', 'admin-1');
      const sample = await eventually(async () => {
        const sampled = (await live()).recheck.sample as string[];
        return sampled.length ? sampled : undefined;
      });
      const scores = (await live()).scores as Record<string, { theory: number | null; practical: number | null }>;
      await act('rechecks', 'rev-2', { entries: sample.map((id) => ({ candidateId: id, theory: scores[id].theory, practical: scores[id].practical })) });
      await act('decision', 'rev-2', { outcome: 'approve', reasons: ['复核一致'] });
      // The session's last step: its certificates issued, or refused with a reason (reported, not fatal).
      const last = await eventually<{ action: string; data: unknown }>(
        () =>
          env
            .db('events')
            .where({ case_type: 'session', case_id: sessionId })
            .whereIn('action', ['certificates_issued', 'certificates_not_issued'])
            .first('action', 'data'),
        120_000,
      );
      const data = (typeof last.data === 'string' ? JSON.parse(last.data) : last.data) as { count?: number; reason?: string };
      if (last.action === 'certificates_issued') certificates += data.count ?? 0;
      else notIssued.push(`${sessionId}: ${data.reason}`);
    };
    await Promise.all(Array.from({ length: SESSIONS }, (_, s) => one(s)));
    if (notIssued.length) log(`appraisal session: certificates not issued for ${notIssued.join('; ')}`);
    return { per: { appraisals: SESSIONS * ROSTER, certificates }, notIssued };
  });

  // 7. Complaints: public intake (with a contact, so mailed), triage, investigator, finding (unsubstantiated: the
  //    actions a finding takes are cases of their own kinds).
  await measure({ kind: 'complaint', unit: 'complaints from public intake to a finding', cases: COMPLAINTS }, async () => {
    const one = async (i: number) => {
      const stationId = stationIds[i % stationIds.length];
      const filed = await ok(
        'POST',
        '/v1/public/complaints',
        null,
        {
          category: 'fraudulent_appraisal',
          stationId,
          happenedOn: day(-3),
          description: `基准投诉${i}：鉴定现场有人代考，考生名单与实际到场人员不符。`,
          contact: { name: `投诉人${i}`, email: `complainant.${i}@bench.example` },
        },
        201,
      );
      const { id } = await env.db('complaints').where({ tracking_number: filed.trackingNumber }).first('id');
      const act = (step: string, as: string, body: unknown) => ok('POST', `/v1/complaints/${id}/${step}`, as, body);
      await act('triage', 'handler-1', { category: 'fraudulent_appraisal', severity: 'normal', stationId });
      await retryRefused(() => act('investigator', 'handler-1', { investigatorId: 'insp-2' }));
      await act('finding', 'insp-2', { finding: 'unsubstantiated', reasons: ['现场记录与考生名单一致'] });
    };
    await Promise.all(Array.from({ length: COMPLAINTS }, (_, i) => one(i)));
  });

  const storage = await mysql.storage();
  return { cases: { STATIONS, SESSIONS, ROSTER, COMPLAINTS, IMPORTED, RENEWALS }, kinds, storage };
}

/** Until `probe` answers something other than undefined. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** An action the case refuses (409) until an automatic step before it is done. */
async function retryRefused<T>(act: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await act();
    } catch (error) {
      if (!String(error).includes(': 409 ') || Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Quiet: the worker idle (under 3 % of a core) for 2 s and no mail waiting, for at most 3 minutes. Read from /proc and
 * MySQL rather than by describing every workflow, which would add the measurement's own work to the engine's CPU.
 */
async function quiet(env: BenchEnv): Promise<void> {
  const until = Date.now() + 180_000;
  while (Date.now() < until) {
    const meter = cpuMeter({ worker: env.pids().worker });
    await new Promise((r) => setTimeout(r, 2000));
    const [{ c }] = await env.db('outbox').where({ status: 'pending' }).count({ c: '*' });
    if (meter().worker < 0.03 && Number(c) === 0) return;
  }
  throw new Error('the system did not settle within 3 minutes');
}

/** Counts and bytes of a part of the history: a workflow type's, or one event type's within it. */
interface Share {
  events: number;
  bytes: number;
}
/** One workflow type's share of a snapshot: runs, tasks, and its events and bytes in all and by event type. */
interface TypeShare extends Share {
  runs: number;
  tasks: number;
  byEvent: Record<string, Share>;
}

/**
 * Every workflow of the namespace: its history's events and bytes (DescribeWorkflowExecution), workflow tasks
 * (WorkflowTaskCompleted events) and, by workflow type, the events and their encoded bytes by event type (which
 * events carry a case's bytes); a history is read again only when it grew.
 */
function temporalMeter(env: BenchEnv) {
  const seen = new Map<string, { length: number; tasks: number; byEvent: Record<string, Share> }>();
  return {
    async snapshot() {
      const runs: Array<{ workflowId: string; runId: string; type: string }> = [];
      for await (const w of env.temporal.workflow.list()) runs.push({ workflowId: w.workflowId, runId: w.runId, type: w.type });
      const total = { workflows: runs.length, events: 0, bytes: 0, tasks: 0 };
      const byType: Record<string, TypeShare> = {};
      await inBatches(runs, 8, async ({ workflowId, runId, type }) => {
        const handle = env.temporal.workflow.getHandle(workflowId, runId);
        const d = await handle.describe();
        const key = `${workflowId}/${runId}`;
        let run = seen.get(key);
        if (run?.length !== d.historyLength) {
          const events = (await handle.fetchHistory()).events ?? [];
          const byEvent: Record<string, Share> = {};
          for (const e of events) {
            const name = (temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? 'unknown').replace(/^EVENT_TYPE_/, '');
            const share = (byEvent[name] ??= { events: 0, bytes: 0 });
            share.events++;
            share.bytes += temporal.api.history.v1.HistoryEvent.encode(e).finish().length;
          }
          run = { length: d.historyLength, tasks: byEvent.WORKFLOW_TASK_COMPLETED?.events ?? 0, byEvent };
          seen.set(key, run);
        }
        total.events += d.historyLength;
        total.bytes += d.historySize ?? 0;
        total.tasks += run.tasks;
        const t = (byType[type] ??= { runs: 0, tasks: 0, events: 0, bytes: 0, byEvent: {} });
        t.runs++;
        t.tasks += run.tasks;
        t.events += d.historyLength;
        t.bytes += d.historySize ?? 0;
        for (const [name, share] of Object.entries(run.byEvent)) {
          const into = (t.byEvent[name] ??= { events: 0, bytes: 0 });
          into.events += share.events;
          into.bytes += share.bytes;
        }
      });
      return { ...total, byType };
    },
  };
}

/** Per case, what each workflow type added: runs, tasks, events and bytes, and its event types by bytes added. */
function typeDeltas(before: Record<string, TypeShare>, after: Record<string, TypeShare>, cases: number) {
  const per = (v: number) => round(v / cases, 2);
  const out: Record<string, { runs: number; tasks: number; events: number; bytes: number; byEvent: Record<string, Share> }> = {};
  for (const [type, a] of Object.entries(after)) {
    const b = before[type] ?? { runs: 0, tasks: 0, events: 0, bytes: 0, byEvent: {} };
    if (a.events === b.events && a.runs === b.runs) continue;
    const byEvent = Object.entries(a.byEvent)
      .map(
        ([name, s]) =>
          [name, { events: per(s.events - (b.byEvent[name]?.events ?? 0)), bytes: Math.round((s.bytes - (b.byEvent[name]?.bytes ?? 0)) / cases) }] as const,
      )
      .filter(([, s]) => s.events !== 0)
      .sort((x, y) => y[1].bytes - x[1].bytes);
    out[type] = {
      runs: per(a.runs - b.runs),
      tasks: per(a.tasks - b.tasks),
      events: per(a.events - b.events),
      bytes: Math.round((a.bytes - b.bytes) / cases),
      byEvent: Object.fromEntries(byEvent),
    };
  }
  return out;
}

async function inBatches<T>(items: T[], width: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await each(items[next++]);
    }),
  );
}

/** InnoDB's fixed cost per row: a 5-byte record header, the 6-byte transaction id and the 7-byte roll pointer. */
const ROW_OVERHEAD = 18;
/** An index record's own cost beyond its key and the primary key it points to (header and page directory share). */
const INDEX_ENTRY_OVERHEAD = 8;

/**
 * Rows and bytes per table of the application's database. Bytes are what InnoDB stores for the row: each column at
 * its type's size (variable-length ones at their length plus a 2-byte prefix) plus the fixed row overhead; pages'
 * free space is not counted (CAPACITY.md adds it).
 */
async function mysqlMeter(db: Db) {
  const columns: Array<{ table: string; column: string; type: string; precision: number | null; fsp: number | null }> = (
    await db.raw(
      `SELECT c.TABLE_NAME AS \`table\`, c.COLUMN_NAME AS \`column\`, c.DATA_TYPE AS type, c.NUMERIC_PRECISION AS \`precision\`,
              c.DATETIME_PRECISION AS fsp
         FROM information_schema.COLUMNS c JOIN information_schema.TABLES t USING (TABLE_SCHEMA, TABLE_NAME)
        WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
        ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
    )
  )[0];
  const byTable = new Map<string, typeof columns>();
  for (const c of columns) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  const size = (c: (typeof columns)[number]) => {
    const q = `\`${c.column}\``;
    const fixed: Record<string, number> = { tinyint: 1, smallint: 2, mediumint: 3, int: 4, bigint: 8, float: 4, double: 8, date: 3, year: 1, enum: 1 };
    if (c.type in fixed) return `IF(${q} IS NULL, 0, ${fixed[c.type]})`;
    if (c.type === 'decimal') return `IF(${q} IS NULL, 0, ${Math.ceil((c.precision ?? 10) / 2)})`;
    if (c.type === 'datetime' || c.type === 'timestamp' || c.type === 'time')
      return `IF(${q} IS NULL, 0, ${(c.type === 'timestamp' ? 4 : c.type === 'time' ? 3 : 5) + Math.ceil((c.fsp ?? 0) / 2)})`;
    return `IF(${q} IS NULL, 0, LENGTH(${q}) + 2)`;
  };
  const tables = [...byTable.keys()];
  return {
    async snapshot(): Promise<Record<string, { rows: number; bytes: number }>> {
      const out: Record<string, { rows: number; bytes: number }> = {};
      await inBatches(tables, 4, async (t) => {
        const expr = byTable.get(t)!.map(size).join(' + ');
        const [[row]] = await db.raw(`SELECT COUNT(*) AS n, COALESCE(SUM(${expr}), 0) AS b FROM \`${t}\``);
        out[t] = { rows: Number(row.n), bytes: Number(row.b) + ROW_OVERHEAD * Number(row.n) };
      });
      return out;
    },
    /**
     * Per table at the end of the run: its rows, the average row in bytes, and each secondary index's entry
     * (its columns' average sizes, the primary key's, and the entry overhead); InnoDB's own figures after ANALYZE.
     */
    async storage() {
      const indexes: Array<{ table: string; index: string; column: string }> = (
        await db.raw(
          `SELECT TABLE_NAME AS \`table\`, INDEX_NAME AS \`index\`, COLUMN_NAME AS \`column\` FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
        )
      )[0];
      const out: Record<string, unknown> = {};
      for (const t of tables) {
        const cols = byTable.get(t)!;
        const [[avg]] = await db.raw(`SELECT COUNT(*) AS n, ${cols.map((c, i) => `COALESCE(AVG(${size(c)}), 0) AS c${i}`).join(', ')} FROM \`${t}\``);
        const rows = Number(avg.n);
        if (!rows) continue;
        const colBytes = new Map(cols.map((c, i) => [c.column, Number(avg[`c${i}`])]));
        const mine = indexes.filter((x) => x.table === t);
        const pk = mine.filter((x) => x.index === 'PRIMARY').map((x) => x.column);
        const pkBytes = pk.reduce((s, c) => s + (colBytes.get(c) ?? 0), 0) || 6;
        const secondary: Record<string, { columns: string[]; entryBytes: number }> = {};
        for (const x of mine.filter((x) => x.index !== 'PRIMARY')) (secondary[x.index] ??= { columns: [], entryBytes: 0 }).columns.push(x.column);
        for (const s of Object.values(secondary))
          s.entryBytes = round(
            s.columns.reduce((sum, c) => sum + (colBytes.get(c) ?? 0), 0) + (s.columns.some((c) => pk.includes(c)) ? 0 : pkBytes) + INDEX_ENTRY_OVERHEAD,
            1,
          );
        await db.raw(`ANALYZE TABLE \`${t}\``);
        const [[info]] = await db.raw(
          'SELECT DATA_LENGTH AS data, INDEX_LENGTH AS idx, AVG_ROW_LENGTH AS avgRow FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
          [t],
        );
        out[t] = {
          rows,
          rowBytes: round([...colBytes.values()].reduce((a, b) => a + b, 0) + ROW_OVERHEAD, 1),
          primaryKey: pk,
          secondary,
          innodb: { dataLength: Number(info.data), indexLength: Number(info.idx), avgRowLength: Number(info.avgRow) },
        };
      }
      return out;
    },
  };
}

function table(kinds: Measured[]): string {
  const head =
    '| kind | cases | workflows | workflow tasks | history events | history KB | MySQL rows | MySQL KB | worker CPU s | API CPU s | Temporal CPU s | MariaDB CPU s | wall s |';
  const rows = kinds.map((k) => {
    const p = k.perCase;
    return `| ${k.kind} | ${k.cases} | ${p.workflows} | ${p.workflowTasks} | ${p.historyEvents} | ${round(p.historyBytes / 1024, 1)} | ${p.mysqlRows} | ${round(p.mysqlBytes / 1024, 1)} | ${p.cpuS.worker} | ${p.cpuS.api} | ${p.cpuS.temporal} | ${p.cpuS.mariadb} | ${k.wallS} |`;
  });
  return ['Per case (sums over every workflow and table the case touched):', '', head, `|${'---|'.repeat(13)}`, ...rows].join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
