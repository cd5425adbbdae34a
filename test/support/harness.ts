import { mkdir, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { loadConfig } from '../../platform/config';
import { createMailer } from '../../activities/mailer';
import { createSealer } from '../../platform/sealing';
import { createWorker, PRELOADED_WORKFLOW_MODULES, quietBundler, WORKFLOWS_PATH } from '../../activities/worker';
import { createApp } from '../../api/app';
import { mintToken } from '../../api/auth';
import { apiTemporalConnection } from '../../api/temporalConnection';
import { connect, dropDatabase, migrateDatabase, type Db } from '../../db/connect';
import { applicationAccount } from '../../db/grants';
import { asAccount } from '../../db/urls';
import { DEMO_USERS, seedDemo } from '../../db/seeds/demo';
import { startDemoCycles } from '../../scripts/demoCycles';
import { policyWith, type DeepPartial, type Policy } from '../../domain/policy';
import { startSmtp } from './smtp';
import pino from 'pino';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

// Worker chatter off; warnings and errors stay visible.
Runtime.install({ logger: new DefaultLogger('WARN') });

let bundle: Promise<{ code: string }> | undefined;
/** Built once per test file. */
function workflowBundle() {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, preloadModules: PRELOADED_WORKFLOW_MODULES, logger: quietBundler });
  return bundle;
}

/**
 * The whole system for one test file, on real parts: its own MariaDB database, an in-process SMTP
 * server, a worker on its own task queue of the run's Temporal dev server, and the API over HTTP.
 */
export async function startHarness(
  policyOverrides: DeepPartial<Policy> = {},
  options: { temporalAddress?: string; mysqlOrigin?: string; development?: boolean } = {},
) {
  const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const ownerUrl = `${options.mysqlOrigin ?? 'mysql://root@127.0.0.1:3306'}/as_test_${suffix}`;
  let demoImport = '';
  await migrateDatabase(ownerUrl, async (owner) => {
    demoImport = await seedDemo(owner);
    // Test files share one Temporal namespace but not a database: station numbers (and so the ids of
    // station:<n> and inspection:S<n>-… workflows) must not collide between files. A block of 1,000 out
    // of a million makes a collision between a run's twenty-odd files about one in 5,000.
    await owner.raw(`ALTER TABLE stations AUTO_INCREMENT = ${100_000 + Math.floor(Math.random() * 1_000_000) * 1000}`);
  });
  // The system under test connects as the restricted application account, as in production.
  const databaseUrl = asAccount(ownerUrl, applicationAccount());
  const db: Db = connect(databaseUrl);

  const smtp = await startSmtp();
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '', from: 'appraisal-supervision <no-reply@appraisal.example.gov.cn>' });
  const address = options.temporalAddress ?? inject('temporalAddress');
  const taskQueue = `test-${suffix}`;
  // Not development unless asked (the browser tests sign in through the development list of demo users).
  const config = {
    ...loadConfig({ JWT_SECRET: process.env.JWT_SECRET }),
    development: options.development ?? false,
    databaseUrl,
    taskQueue,
    temporalAddress: address,
    policy: policyWith(policyOverrides),
  };

  const connection = apiTemporalConnection(address);
  const temporal = new Client({ connection, namespace: 'default' });
  const nativeConnection = await NativeConnection.connect({ address });
  const { code } = await workflowBundle();
  let worker: Worker;
  let running: Promise<void>;
  const startWorker = async () => {
    worker = await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: { db, mailer, temporal, sealer: createSealer(config.sealingKey) },
      workflowBundle: { code },
    });
    running = worker.run();
  };
  await startWorker();
  await startDemoCycles({ db, temporal, taskQueue, policy: config.policy.qualification }, demoImport);

  const app = createApp({ db, temporal, config }, pino({ level: 'silent' }));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const tokens = new Map<string, string>();
  async function token(userId: string): Promise<string> {
    const user = DEMO_USERS.find((u) => u.id === userId);
    if (!user) throw new Error(`no demo user ${userId}`);
    if (!tokens.has(userId)) tokens.set(userId, await mintToken(config, user.id));
    return tokens.get(userId)!;
  }

  /** Calls the API as a demo user (or anonymously with as: null). */
  async function api<T = any>(
    method: string,
    path: string,
    opts: { as?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.as) headers.authorization = `Bearer ${await token(opts.as)}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  return {
    db,
    temporal,
    config,
    ownerUrl,
    baseUrl,
    mails: smtp.mails,
    /** The SMTP server's faults to inject (all off by default). */
    smtpFaults: smtp.faults,
    api,
    token,
    taskQueue,
    /** Stops the worker (in-flight tasks finish or are abandoned) and starts a fresh one. */
    async restartWorker() {
      worker.shutdown();
      await running;
      await startWorker();
    },
    async close() {
      if (process.env.RECORD_HISTORIES) await recordHistories(temporal, taskQueue);
      worker.shutdown();
      await running;
      await new Promise((resolve) => server.close(resolve));
      await connection.close();
      await nativeConnection.close();
      mailer.close();
      await smtp.close();
      await db.destroy();
      await dropDatabase(ownerUrl);
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export const HISTORY_FIXTURES = path.join(__dirname, '..', 'fixtures', 'histories');

/**
 * RECORD_HISTORIES=1: saves the history of one completed workflow per type and outcome into
 * test/fixtures/histories, for the replay test that guards determinism; any other value is a suffix that
 * keeps the histories of earlier code beside the new ones (RECORD_HISTORIES=runtime → `…-runtime.json`).
 */
async function recordHistories(temporal: Client, taskQueue: string): Promise<void> {
  await mkdir(HISTORY_FIXTURES, { recursive: true });
  const seen = new Set<string>();
  for await (const wf of temporal.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Completed'` })) {
    const handle = temporal.workflow.getHandle(wf.workflowId, wf.runId);
    const status = String(((await handle.query('state').catch(() => null)) as { status?: string } | null)?.status ?? 'done');
    const key = `${wf.type}-${status}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const suffix = process.env.RECORD_HISTORIES === '1' ? '' : `-${process.env.RECORD_HISTORIES}`;
    await writeFile(path.join(HISTORY_FIXTURES, `${key}${suffix}.json`), historyToJSON(await handle.fetchHistory()));
  }
}

/** Polls until the check returns a value (not undefined/false), or fails with the last value seen. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  {
    timeoutMs = 30_000,
    intervalMs = 200,
    until = (value: T) => value !== undefined && (value as unknown) !== false,
  }: { timeoutMs?: number; intervalMs?: number; until?: (value: T) => boolean } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false && until(value)) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
