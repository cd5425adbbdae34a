import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { DEV_JWT_SECRET, ROOT, loadConfig } from '../platform/config';
import { createApp } from '../api/app';
import { mintToken } from '../api/auth';
import { apiTemporalConnection } from '../api/temporalConnection';
import { connect, dropDatabase, migrateDatabase, type Db } from '../db/connect';
import { applicationAccount } from '../db/grants';
import { DEMO_USERS, seedDemo } from '../db/seeds/demo';
import { asAccount } from '../db/urls';
import { policyWith } from '../domain/policy';
import { connectWhenReady, ensureSearchAttributes, startDevServer } from '../scripts/temporal';
import { httpClient } from './http';
import { rssMB } from './procs';
import { startSink } from './sink';

const NAMESPACE = 'default';
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/**
 * The whole system on this machine, as `npm start` runs it: a Temporal dev server of its own on a
 * SQLite file (WAL, synchronous=NORMAL), a database of its own on the local MariaDB, the worker as a
 * child process (production mode, pre-built workflow bundle: its RSS is its own), and the API in this
 * process next to the load generator and the baselines, with an SMTP sink.
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
    process.env.COMPLAINT_KEY = randomBytes(32).toString('hex');
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
    const config = {
      ...loadConfig({ JWT_SECRET: DEV_JWT_SECRET, SEALING_KEY: process.env.COMPLAINT_KEY }),
      databaseUrl,
      taskQueue,
      temporalAddress: address,
      smtpUrl: sink.url,
      policy: policyWith({
        complaint: { intakeRate: { max: 10_000_000, window: 'PT1H' } },
        certificate: { verifyRate: { max: 1_000_000_000, window: 'PT1H' }, batchRate: { max: 1_000_000, window: 'PT1H' } },
      }),
    };
    // Request logs are written as in production, but to /dev/null.
    const app = createApp({ db, temporal, config }, pino({ level: 'info' }, pino.destination('/dev/null')));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http = httpClient(baseUrl, 64);
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
      pids: () => ({ bench: process.pid, worker: worker?.pid, temporal: devServer.pid, mariadb: mariadbPid }),
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
