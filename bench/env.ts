import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DEV_JWT_SECRET, ROOT } from '../platform/config';
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

const NAMESPACE = 'default';
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/**
 * The whole system on this machine, as `npm start` runs it: a Temporal dev server of its own on a
 * SQLite file (WAL, synchronous=NORMAL), a database of its own on the local MariaDB, the worker as a
 * child process (production mode, pre-built workflow bundle: its RSS is its own), the API in a process
 * of its own (bench/apiProcess.ts), and in this process the load generator, the baselines and an SMTP sink.
 */
export async function startBenchEnv(log: (line: string) => void) {
  const cli = process.env.TEMPORAL_CLI_PATH;
  if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set: run `npm run bench`, which finds or builds the Temporal CLI');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'as-bench-'));
  let failed = false;
  // After a failure the worker's logs stay for a look.
  const cleanups: Array<() => unknown> = [() => (failed ? log(`worker logs kept in ${tmp}`) : rmSync(tmp, { recursive: true, force: true }))];
  const cleanup = async (failure = false) => {
    failed = failure;
    for (const step of cleanups.reverse()) await Promise.resolve(step()).catch((error: unknown) => log(`cleanup: ${String(error)}`));
  };
  try {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const devServer = startDevServer({ cli, dbFile: path.join(tmp, 'temporal.sqlite'), port, quiet: true });
    cleanups.push(() => stopChild(devServer));
    const connection = await connectWhenReady(address);
    cleanups.push(() => connection.close());
    await ensureSearchAttributes(connection, NAMESPACE);
    const { serverVersion } = await connection.workflowService.getSystemInfo({});
    log(`Temporal dev server ${serverVersion} at ${address} (pid ${devServer.pid})`);

    const ownerUrl = `mysql://root@127.0.0.1:3306/as_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
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
    const taskQueue = 'bench';
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
      versions: { temporalServer: serverVersion ?? 'unknown', mariadb: String(mariadb) },
      token: (userId: string) => tokens.get(userId)!,
      pids: () => ({ bench: process.pid, api: api.child.pid, worker: worker?.pid, temporal: devServer.pid, mariadb: mariadbPid }),
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
