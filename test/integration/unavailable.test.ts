import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, type Connection } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config';
import { createApp } from '../../api/app';
import { mintToken } from '../../api/auth';
import { apiTemporalConnection } from '../../api/temporalConnection';
import { connect, type Db } from '../../db/connect';
import example from '../../db/seeds/station-application.example.json';

/** With MySQL and Temporal out of reach (nothing listens on port 9), the API says 503 with Retry-After, never 500. */
let server: Server;
let db: Db;
let connection: Connection;
let base: string;
const config = { ...loadConfig({ JWT_SECRET: process.env.JWT_SECRET }), databaseUrl: 'mysql://root@127.0.0.1:9/none' };

beforeAll(async () => {
  db = connect(config.databaseUrl);
  connection = apiTemporalConnection('127.0.0.1:9');
  const app = createApp({ db, temporal: new Client({ connection }), config }, pino({ level: 'silent' }));
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  await db?.destroy();
});

describe('backing services unavailable', () => {
  it('answers 503 with Retry-After on readiness, reads and writes', async () => {
    const token = await mintToken(config, 'admin-1');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    for (const [method, path, body] of [
      ['GET', '/readyz'],
      ['GET', '/v1/station-applications'],
      ['POST', '/v1/station-applications', JSON.stringify(example)],
    ] as const) {
      const res = await fetch(base + path, { method, headers, body });
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const payload = (await res.json()) as { error: { code: string } };
      expect(payload.error.code).toBe('unavailable');
      expect(JSON.stringify(payload)).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});
