import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DEV_JWT_SECRET, ROOT, workerNodeOptions } from '../platform/config';
import { mintToken } from '../api/auth';
import { apiTemporalConnection } from '../api/temporalConnection';
import { connect, dropDatabase, migrateDatabase, type Db } from '../db/connect';
import { applicationAccount } from '../db/grants';
import { DEMO_USERS, seedDemo } from '../db/seeds/demo';
import { asAccount } from '../db/urls';
import { connectWhenReady, ensureSearchAttributes, startDevServer } from '../scripts/temporal';
import { benchApiConfig, type ApiProcessSettings, type FromApi, type ToApi } from './apiConfig';
import { httpClient } from './http';
import { rssMB } from './procs';
import { startSink } from './sink';
import { closedLoop, type LoadResult } from './stats';

const NAMESPACE = 'default';
/** The engine-raw workflow: a type and task queue no worker knows, so a start is all the engine's work. */
const RAW_WORKFLOW_TYPE = 'benchEngineRaw';
const RAW_TASK_QUEUE = 'bench-engine-raw';
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/**
 * The whole system on this machine, as `npm start` runs it, on one of two Temporal engines: with TEMPORAL_ADDRESS
 * unset, a Temporal dev server of its own on a SQLite file (WAL, synchronous=NORMAL); with it set, that server (as
 * `npm run bench` sets it for the production engine, scripts/engine.sh, whose directory TEMPORAL_ENGINE_DIR names the
 * services' processes). Then a database of its own on the local MariaDB, the worker as a child process (production
 * mode, pre-built workflow bundle: its RSS is its own), the API in a process of its own (bench/apiProcess.ts), and in
 * this process the load generator, the baselines and an SMTP sink. On a server of another run's namespace nothing
 * collides: the database, task queue and raw workflows are named by this run.
 */
export async function startBenchEnv(log: (line: string) => void) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'as-bench-'));
  let failed = false;
  // After a failure the worker's logs stay for a look.
  const cleanups: Array<() => unknown> = [() => (failed ? log(`worker logs kept in ${tmp}`) : rmSync(tmp, { recursive: true, force: true }))];
  const cleanup = async (failure = false) => {
    failed = failure;
    for (const step of cleanups.reverse()) await Promise.resolve(step()).catch((error: unknown) => log(`cleanup: ${String(error)}`));
  };
  try {
    const temporalEngine = await startEngine(tmp, cleanups);
    const { address, engine } = temporalEngine;
    log(`${engineLabel(engine)}, at ${address}`);
    const runTag = `${process.pid}_${randomBytes(3).toString('hex')}`;

    const ownerUrl = `mysql://root@127.0.0.1:3306/as_bench_${runTag}`;
    await migrateDatabase(ownerUrl, seedDemo);
    cleanups.push(() => dropDatabase(ownerUrl));
    // The system connects as the restricted application account, as in production; fixtures go in as the owner.
    const databaseUrl = asAccount(ownerUrl, applicationAccount());
    const db: Db = connect(databaseUrl);
    const owner: Db = connect(ownerUrl);
    cleanups.push(
      () => db.destroy(),
      () => owner.destroy(),
    );
    const [[{ mariadb, pidFile }]] = await owner.raw('SELECT VERSION() AS mariadb, @@pid_file AS pidFile');
    // The server that answers on 3306, whichever other MariaDB instances run on the machine.
    const mariadbPid = Number(readFileSync(pidFile, 'utf8').trim()) || undefined;

    const sink = await startSink();
    cleanups.push(() => sink.close());

    // Sealed complainant contacts must open in the worker: one key for both processes.
    const sealingKey = randomBytes(32).toString('hex');
    process.env.COMPLAINT_KEY = sealingKey;
    const taskQueue = `bench-${runTag}`;
    log('building the workflow bundle (npm run build:workflows)');
    await runToEnd(TSX, [path.join(ROOT, 'scripts', 'build-workflow-bundle.ts')]);
    let workers = 0;
    let worker: ChildProcess | undefined;
    const startWorker = async () => {
      const logFile = path.join(tmp, `worker-${++workers}.log`);
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'activities', 'worker.ts')], {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_OPTIONS: workerNodeOptions(process.env),
          NODE_ENV: 'production',
          JWT_SECRET: DEV_JWT_SECRET,
          // Production mode asks for signing keys; the worker signs nothing, so a throwaway one.
          CERTIFICATE_SIGNING_KEYS: `bench:${randomBytes(32).toString('base64url')}`,
          DATABASE_URL: databaseUrl,
          TEMPORAL_ADDRESS: address,
          TASK_QUEUE: taskQueue,
          SMTP_URL: sink.url,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out = createWriteStream(logFile);
      child.stderr.pipe(out);
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out.write(chunk);
          if (chunk.toString().includes('worker on task queue')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it was ready; see ${logFile}`)));
      });
      worker = child;
    };
    const stopWorker = async () => {
      if (worker) await stopChild(worker);
      worker = undefined;
    };
    cleanups.push(stopWorker);
    await startWorker();

    const temporal = new Client({ connection: apiTemporalConnection(address), namespace: NAMESPACE });
    cleanups.push(() => temporal.connection.close());
    // The baselines' own client, as a program without the API would have.
    const raw = new Client({ connection: await Connection.connect({ address }), namespace: NAMESPACE });
    cleanups.push(() => raw.connection.close());
    // The intake and verification limits guard against abuse from one address; the load generator is one address.
    const settings: ApiProcessSettings = {
      databaseUrl,
      taskQueue,
      temporalAddress: address,
      smtpUrl: sink.url,
      sealingKey,
      policy: {
        complaint: { intakeRate: { max: 10_000_000, window: 'PT1H' } },
        certificate: { verifyRate: { max: 1_000_000_000, window: 'PT1H' }, batchRate: { max: 1_000_000, window: 'PT1H' } },
      },
    };
    const config = benchApiConfig(settings);
    const api = await startApiProcess(settings, path.join(tmp, 'api.log'));
    cleanups.push(() => stopChild(api.child));
    // A scenario that listens to `db`'s queries (to run an endpoint's SQL on a raw pool) hears the API process's too.
    api.relayQueriesTo(db);
    const baseUrl = `http://127.0.0.1:${api.port}`;
    const http = api.synced(httpClient(baseUrl, 64));
    cleanups.push(() => http.close());

    let rawBatches = 0;
    const tokens = new Map<string, string>();
    for (const user of DEMO_USERS) tokens.set(user.id, await mintToken(config, user.id, '12h'));

    return {
      db,
      owner,
      temporal,
      raw,
      config,
      sink,
      http,
      /** For a scenario that streams a request body, which `http` does not. */
      baseUrl,
      taskQueue,
      /** The Temporal engine measured: which kind, version, persistence, shards and processes. */
      engine,
      versions: { temporalServer: engine.version, mariadb: String(mariadb) },
      token: (userId: string) => tokens.get(userId)!,
      /** The processes whose CPU the tables show; the engine's as `temporal` (dev server) or `temporal.<service>` and `postgres.<pid>`. */
      pids: () => ({ bench: process.pid, api: api.child.pid, worker: worker?.pid, mariadb: mariadbPid, ...temporalEngine.pids() }),
      /**
       * The engine's own raw figure: `total` starts of a trivial workflow, `concurrency` callers at a time, on a task
       * queue no worker polls, so only the engine works (each start persisted, its first task queued) and nothing runs
       * afterwards. The workflows stay open, under ids of this run.
       */
      async engineRawStarts(total: number, concurrency: number): Promise<LoadResult> {
        const batch = `${runTag}_${++rawBatches}`;
        const result = await closedLoop(total, concurrency, async (i) => {
          await raw.workflow.start(RAW_WORKFLOW_TYPE, { workflowId: `bench-engine-raw:${batch}:${i}`, taskQueue: RAW_TASK_QUEUE, args: [] });
        });
        // A figure over failed starts would flatter or slight the engine: none is given.
        if (result.errors > 0) throw new Error(`engine raw: ${result.errors} of ${total} starts failed, first: ${result.firstError}`);
        return result;
      },
      workerRss: () => (worker?.pid ? rssMB(worker.pid) : NaN),
      /**
       * A fresh worker process (scenarios that measure its memory start from an empty cache), its RSS
       * sampled every 250 ms: `peak()` is the highest seen, `stop()` ends the sampling.
       */
      async freshWorkerSampled() {
        await stopWorker();
        await startWorker();
        let peak = rssMB(worker!.pid!);
        const sampler = setInterval(() => (peak = Math.max(peak, worker?.pid ? rssMB(worker.pid) : peak)), 250);
        return { peak: () => peak, stop: () => clearInterval(sampler) };
      },
      /** Stops everything started and drops the database; `failed` keeps the worker's logs. */
      close: cleanup,
    };
  } catch (error) {
    await cleanup(true);
    throw error;
  }
}

export type BenchEnv = Awaited<ReturnType<typeof startBenchEnv>>;

/** The Temporal engine a run measured, named by the engine itself where it can say (versions, shards). */
export interface EngineInfo {
  kind: 'dev' | 'server';
  version: string;
  persistence: string;
  historyShards: number;
  /** The engine's OS processes, each named by the services it runs. */
  processes: string[];
}

export function engineLabel(e: EngineInfo): string {
  const shards = `${e.historyShards} history shard${e.historyShards === 1 ? '' : 's'}`;
  const processes = e.processes.length === 1 ? `one process (${e.processes[0]})` : `${e.processes.length} processes (${e.processes.join(', ')})`;
  return `${e.kind === 'dev' ? 'Temporal dev server' : 'Temporal Server'} ${e.version} on ${e.persistence}, ${shards}, ${processes}`;
}

/**
 * TEMPORAL_ADDRESS's server, or a dev server of this run's own in `tmp`. `pids()` names the engine's processes: the dev
 * server's one; a server's services from TEMPORAL_ENGINE_DIR's pid files (read each time: a service may be restarted)
 * and the PostgreSQL backends serving its databases (ENGINE_DB), not the cluster's shared background processes.
 */
async function startEngine(tmp: string, cleanups: Array<() => unknown>) {
  let address = process.env.TEMPORAL_ADDRESS;
  let devServer: ChildProcess | undefined;
  if (!address) {
    const cli = process.env.TEMPORAL_CLI_PATH;
    if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set: run `npm run bench`, which finds or builds the Temporal CLI');
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    const child = startDevServer({ cli, dbFile: path.join(tmp, 'temporal.sqlite'), port, quiet: true });
    cleanups.push(() => stopChild(child));
    devServer = child;
  }
  const connection = await connectWhenReady(address);
  cleanups.push(() => connection.close());
  await ensureSearchAttributes(connection, NAMESPACE);
  const [{ serverVersion }, cluster] = await Promise.all([connection.workflowService.getSystemInfo({}), connection.workflowService.getClusterInfo({})]);
  const version = serverVersion || cluster.serverVersion || 'unknown';
  const historyShards = cluster.historyShardCount ?? NaN;
  if (devServer) {
    const engine: EngineInfo = {
      kind: 'dev',
      version,
      persistence: 'SQLite (WAL, synchronous=NORMAL)',
      historyShards,
      processes: ['frontend, history, matching and worker together'],
    };
    return { address, engine, pids: () => ({ temporal: devServer.pid }) };
  }
  const engineDir = process.env.TEMPORAL_ENGINE_DIR;
  const services = engineDir
    ? readdirSync(engineDir)
        .filter((f) => f.endsWith('.pid'))
        .map((f) => f.slice(0, -'.pid'.length))
        .sort()
    : [];
  const databases = process.env.ENGINE_DB ? [process.env.ENGINE_DB, `${process.env.ENGINE_DB}_visibility`] : [];
  const engine: EngineInfo = {
    kind: 'server',
    version,
    persistence: process.env.TEMPORAL_ENGINE_PERSISTENCE ?? cluster.persistenceStore ?? 'unknown',
    historyShards,
    processes: services.length ? services : ['not known (TEMPORAL_ENGINE_DIR unset)'],
  };
  const pids = () => ({
    ...Object.fromEntries(services.map((s) => [`temporal.${s}`, pidIn(path.join(engineDir!, `${s}.pid`))])),
    ...Object.fromEntries(postgresBackends(databases).map((pid) => [`postgres.${pid}`, pid])),
  });
  return { address, engine, pids };
}

function pidIn(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** The PostgreSQL backends connected to these databases: their process titles read `postgres: <cluster>: <user> <database> …`. */
function postgresBackends(databases: string[]): number[] {
  if (databases.length === 0) return [];
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let title: string;
    try {
      title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const database = /^postgres: [^:]+: \S+ (\S+) /.exec(title)?.[1];
    if (database && databases.includes(database)) found.push(Number(entry));
  }
  return found;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The API in its own process (bench/apiProcess.ts), its output in `logFile`. `relayQueriesTo(db)`: while anything
 * listens to `db`'s `query` event, the API's queries are emitted there too; `synced(http)` makes such a capture
 * exact: a request goes out once the API listens, and its answer is handed on once its queries have arrived.
 */
async function startApiProcess(settings: ApiProcessSettings, logFile: string) {
  const out = createWriteStream(logFile);
  // BENCH_API_PROFILE=<dir>: the API process writes a CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.BENCH_API_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_API_PROFILE)}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(ROOT, 'bench', 'apiProcess.ts')], {
    cwd: ROOT,
    env: { ...process.env, BENCH_API_SETTINGS: JSON.stringify(settings) },
    // Dates in a query's bindings cross as dates.
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  let next = 0;
  const waiting = new Map<number, () => void>();
  let relay: ((q: { sql: string; bindings: unknown[] }) => void) | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: FromApi) => {
      if ('ready' in m) resolve(m.ready);
      else if ('query' in m) relay?.(m.query);
      else {
        waiting.get(m.ack)?.();
        waiting.delete(m.ack);
      }
    });
    child.once('exit', (code) => reject(new Error(`the API process exited (${code}) before it was ready; see ${logFile}`)));
  });
  const ask = (message: (id: number) => ToApi) =>
    new Promise<void>((resolve) => {
      const id = ++next;
      waiting.set(id, resolve);
      child.send(message(id));
    });
  let capturing = false;
  let switched: Promise<void> = Promise.resolve();
  return {
    child,
    port,
    relayQueriesTo(db: Db) {
      const capture = (want: boolean) => {
        if (want === capturing) return;
        capturing = want;
        switched = ask((id) => ({ capture: want, id }));
      };
      relay = (q) => db.emit('query', q);
      // Said as the listener comes (before it is counted) or goes, so the next request already waits for the switch.
      db.on('newListener', (event: string) => event === 'query' && capture(true));
      db.on('removeListener', (event: string) => event === 'query' && capture(db.listenerCount('query') > 0));
    },
    synced(http: ReturnType<typeof httpClient>): ReturnType<typeof httpClient> {
      return {
        ...http,
        async request(method: string, urlPath: string, options?: Parameters<typeof http.request>[2]) {
          await switched;
          const res = await http.request(method, urlPath, options);
          if (capturing) await ask((flush) => ({ flush }));
          return res;
        },
      };
    },
  };
}

/** Runs a command to its end; its output shows only when it fails. */
function runToEnd(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}

/** SIGTERM, then SIGKILL if it lingers past the worker's shutdown grace. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** What every scenario gets: the system, how many runs, the scale of the sizes, a progress log. */
export interface BenchContext {
  env: BenchEnv;
  runs: number;
  scale: number;
  log: (line: string) => void;
}

/** A size from the table at the run's scale (BENCH_SCALE), never below `min`. */
export function scaled(ctx: BenchContext, full: number, min = 1): number {
  return Math.max(min, Math.round(full * ctx.scale));
}
