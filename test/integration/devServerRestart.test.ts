import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { connectWhenReady, startDevServer } from '../../scripts/temporal';
import { eventually, startHarness, type Harness } from '../support/harness';

/** The development set-up (npm start): a dev server persisting to SQLite keeps every case across its own restart. */
const dir = mkdtempSync(path.join(tmpdir(), 'temporal-sqlite-'));
const dbFile = path.join(dir, 'temporal.sqlite');
let server: ChildProcess | undefined;
let h: Harness | undefined;

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

async function startServer(port: number): Promise<void> {
  const cli = process.env.TEMPORAL_CLI_PATH;
  if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set (npm test sets it)');
  server = startDevServer({ cli, dbFile, port, quiet: true });
  await (await connectWhenReady(`127.0.0.1:${port}`)).close();
}

async function stopServer(): Promise<void> {
  if (!server || server.exitCode !== null) return;
  server.kill('SIGTERM');
  await once(server, 'exit');
}

afterAll(async () => {
  await h?.close();
  await stopServer();
  rmSync(dir, { recursive: true, force: true });
});

describe('Temporal dev server on a SQLite file', () => {
  it.skipIf(!!process.env.TEMPORAL_ADDRESS)('keeps a running case through a restart of the server', async () => {
    const port = await freePort();
    await startServer(port);
    h = await startHarness({}, { temporalAddress: `127.0.0.1:${port}` });
    const created = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: example });
    const id = created.body.id;
    expect((await h.api('POST', `/v1/station-applications/${id}/reviewer`, { as: 'sup-1', body: { reviewerId: 'rev-2' } })).status).toBe(200);

    await stopServer();
    await startServer(port);

    // The worker and the API reconnect by themselves; the case goes on where it was.
    const passed = await eventually(
      async () => {
        const res = await h!.api('POST', `/v1/station-applications/${id}/review`, { as: 'rev-2', body: { outcome: 'pass' } });
        return res.status === 200 ? res.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    expect(passed.status).toBe('awaiting_assessors');
    expect(passed.timeline.map((e: { action: string }) => e.action)).toEqual(['submitted', 'completeness_passed', 'reviewer_assigned', 'review_pass']);
  });
});
