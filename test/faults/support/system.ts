import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import knex from 'knex';
import pino from 'pino';
import { loadConfig } from '../../../platform/config';
import { createApp } from '../../../api/app';
import { mintToken } from '../../../api/auth';
import { apiTemporalConnection } from '../../../api/temporalConnection';
import { migrateDatabase } from '../../../db/connect';
import { applicationAccount } from '../../../db/grants';
import { knexConfig } from '../../../db/knexfile';
import { asAccount } from '../../../db/urls';
import { DEMO_USERS, seedDemo } from '../../../db/seeds/demo';
import { policyWith, type DeepPartial, type Policy } from '../../../domain/policy';
import type { ApiResponse } from '../../support/harness';
import { startSmtp } from '../../support/smtp';
import { startMariaDb } from './mariadb';
import { freePort, temporalDevServer, workerProcess } from './processes';

const TASK_QUEUE = 'appraisal-faults';

/**
 * The whole system on parts the fault suite owns, each one it can break: its own MariaDB server, a
 * Temporal dev server on a SQLite file, an SMTP server with faults to switch on, the worker as a child
 * process, and the API in this process.
 */
export async function startSystem(policyOverrides: DeepPartial<Policy>) {
  const cli = process.env.TEMPORAL_CLI_PATH;
  if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set (scripts/test-faults.sh sets it)');
  const dir = mkdtempSync(path.join(tmpdir(), 'appraisal-faults-'));
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const mariadb = await startMariaDb(path.join(dir, 'mariadb'));
    stops.push(mariadb.stop);
    // Migrations and seeds as the owner (root); the API and the worker as the restricted application account.
    const ownerUrl = `${mariadb.origin}/appraisal_supervision`;
    await migrateDatabase(ownerUrl, seedDemo);
    const databaseUrl = asAccount(ownerUrl, applicationAccount());
    // Knex warns on every failed connection attempt: hundreds of lines while MariaDB is down on purpose.
    const db = knex({ ...knexConfig(databaseUrl), log: { warn: () => undefined } });
    stops.push(() => db.destroy());

    const temporal = temporalDevServer(cli, path.join(dir, 'temporal.sqlite'), await freePort());
    await temporal.start();
    stops.push(temporal.stop);

    const smtp = await startSmtp();
    stops.push(smtp.close);

    const workerLog = path.join(dir, 'worker.log');
    const worker = workerProcess({ DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address, TASK_QUEUE, SMTP_URL: smtp.url }, workerLog);
    stops.push(() => worker.kill('SIGKILL'));
    await worker.start();

    const config = {
      ...loadConfig({ JWT_SECRET: process.env.JWT_SECRET }),
      databaseUrl,
      temporalAddress: temporal.address,
      taskQueue: TASK_QUEUE,
      policy: policyWith(policyOverrides),
    };
    const connection = apiTemporalConnection(temporal.address);
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: config.namespace });
    const app = createApp({ db, temporal: client, config }, pino({ level: 'silent' }));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    stops.push(() => new Promise((resolve) => server.close(resolve)));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const tokens = new Map<string, string>();
    async function token(userId: string): Promise<string> {
      const user = DEMO_USERS.find((u) => u.id === userId);
      if (!user) throw new Error(`no demo user ${userId}`);
      // The demo user as it is, so its token carries whatever the seed gives it (roles, jurisdictions).
      if (!tokens.has(userId)) tokens.set(userId, await mintToken(config, user.id));
      return tokens.get(userId)!;
    }

    /** Calls the API as a demo user (or anonymously with as: null). */
    async function api<T = any>(
      method: string,
      urlPath: string,
      opts: { as?: string | null; body?: unknown; headers?: Record<string, string> } = {},
    ): Promise<ApiResponse<T>> {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.as) headers.authorization = `Bearer ${await token(opts.as)}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(baseUrl + urlPath, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    }

    return {
      db,
      temporal: client,
      mariadb,
      temporalServer: temporal,
      smtp,
      worker,
      api,
      /** The worker's own output, for a failure message. */
      workerLog: () => readFileSync(workerLog, 'utf8'),
      async close() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export type System = Awaited<ReturnType<typeof startSystem>>;
