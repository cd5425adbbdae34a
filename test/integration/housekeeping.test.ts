import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHousekeepingSchedule } from '../../activities/housekeeping';
import { createApp } from '../../api/app';
import { countRequest } from '../../db/queries/rateLimitWindows';
import example from '../../db/seeds/station-application.example.json';
import { housekeepingScheduleId } from '../../workflows/housekeeping.messages';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * Housekeeping on a Temporal schedule: idempotency keys past their retention and ended rate-limit windows are
 * removed, a bounded batch at a time. The public intake limit is counted in MySQL, so every API process shares it.
 */
const HOUR = 3_600_000;
let h: Harness;
beforeAll(async () => {
  // Batches of two, so a handful of rows already takes several statements.
  h = await startHarness({ housekeeping: { deleteBatch: 2 }, complaint: { intakeRate: { max: 3, window: 'PT1H' } } });
});
afterAll(async () => {
  await h?.temporal.schedule
    .getHandle(housekeepingScheduleId(h.taskQueue))
    .delete()
    .catch(() => undefined);
  await h?.close();
});

/** What the worker does at start (activities/worker.ts main()). */
const ensureSchedule = (policy = h.config.policy.housekeeping) => ensureHousekeepingSchedule(h.temporal, { taskQueue: h.taskQueue, policy });

describe('housekeeping schedule', () => {
  it('exists after the worker starts, runs the housekeeping workflow on the policy interval, and a second start keeps it', async () => {
    await ensureSchedule();
    const handle = await ensureSchedule();
    const schedule = await handle.describe();
    expect(schedule.scheduleId).toBe(housekeepingScheduleId(h.taskQueue));
    expect(schedule.spec.intervals?.map((i) => i.every)).toEqual([HOUR]);
    expect(schedule.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'housekeeping',
      taskQueue: h.taskQueue,
      args: [{ idempotencyKeyRetention: 'PT24H', every: 'PT1H', deleteBatch: 2 }],
    });
    expect(schedule.state.paused).toBe(false);
  });

  it('brings an existing schedule to a changed policy', async () => {
    await ensureSchedule();
    const changed = { ...h.config.policy.housekeeping, every: 'PT30M', idempotencyKeyRetention: 'PT48H' };
    const schedule = await (await ensureSchedule(changed)).describe();
    expect(schedule.spec.intervals?.map((i) => i.every)).toEqual([HOUR / 2]);
    expect(schedule.action.args).toEqual([changed]);
    // Back to the policy the other tests run under.
    expect((await (await ensureSchedule()).describe()).spec.intervals?.map((i) => i.every)).toEqual([HOUR]);
  });

  it('removes idempotency keys older than the retention and ended rate-limit windows, keeping newer ones', async () => {
    const post = (key: string) => h.api('POST', '/v1/station-applications', { as: 'admin-1', body: example, headers: { 'idempotency-key': key } });
    const oldRequest = await post('housekeeping-old');
    const newRequest = await post('housekeeping-new');
    expect([oldRequest.status, newRequest.status]).toEqual([201, 201]);
    // The first request was made 25 hours ago, past the 24-hour retention.
    const ago = (ms: number) => new Date(Date.now() - ms);
    await h
      .db('idempotency_keys')
      .where({ caller: 'admin-1', idem_key: 'housekeeping-old' })
      .update({ claimed_at: ago(25 * HOUR) });
    const key = (idemKey: string, claimedAt: Date, done: boolean) => ({
      caller: 'someone',
      idem_key: idemKey,
      request_hash: 'h'.repeat(64),
      resource_id: idemKey,
      claim: 'c',
      claimed_at: claimedAt,
      status_code: done ? 201 : null,
      response: done ? '{}' : null,
    });
    await h.db('idempotency_keys').insert([
      ...[1, 2, 3, 4].map((i) => key(`expired-${i}`, ago(24 * HOUR + i * 60_000), true)),
      // Claimed and never finished, long ago: stale as well.
      key('abandoned', ago(30 * HOUR), false),
      key('recent-done', ago(23 * HOUR), true),
      key('recent-running', ago(1_000), false),
    ]);
    const window = (bucket: string, end: Date) => ({ bucket, window_start: new Date(end.getTime() - HOUR), window_end: end, hits: 1 });
    await h
      .db('rate_limit_windows')
      .insert([
        window('test:ended-1', ago(2 * HOUR)),
        window('test:ended-2', ago(60_000)),
        window('test:ended-3', ago(1_000)),
        window('test:current', new Date(Date.now() + HOUR / 2)),
      ]);

    const handle = await ensureSchedule();
    await handle.trigger();
    const run = await eventually(async () => (await handle.describe()).info.recentActions[0]?.action.workflow);
    const result = await h.temporal.workflow.getHandle(run.workflowId).result();
    expect(result).toEqual({ idempotencyKeys: 6, rateLimitWindows: 3 });

    const keys = await h.db('idempotency_keys').orderBy('idem_key').pluck('idem_key');
    expect(keys).toEqual(['housekeeping-new', 'recent-done', 'recent-running']);
    expect(await h.db('rate_limit_windows').where('bucket', 'like', 'test:%').pluck('bucket')).toEqual(['test:current']);

    // What a client sees: the recent key still replays; the expired one is a new request.
    const replayed = await post('housekeeping-new');
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body.id).toBe(newRequest.body.id);
    const afresh = await post('housekeeping-old');
    expect(afresh.status).toBe(201);
    expect(afresh.headers.get('idempotent-replayed')).toBeNull();
    expect(afresh.body.id).not.toBe(oldRequest.body.id);
  });
});

describe('public intake limit', () => {
  it('is shared by two API processes: the (max+1)-th request across both is refused with Retry-After', async () => {
    const second = createApp({ db: h.db, temporal: h.temporal, config: h.config }, pino({ level: 'silent' }));
    const server: Server = await new Promise((resolve) => {
      const s = second.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const secondUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const complaint = { category: 'other', happenedOn: '2026-11-01', description: 'Filed through one API process or the other.' };
      const file = async (base: string) => {
        const res = await fetch(`${base}/v1/public/complaints`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(complaint),
        });
        return {
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          body: (await res.json()) as { error?: { code: string; message: string; details: unknown[] } },
        };
      };
      const statuses = [];
      for (const base of [h.baseUrl, secondUrl, h.baseUrl]) statuses.push((await file(base)).status);
      expect(statuses).toEqual([201, 201, 201]);

      for (const base of [secondUrl, h.baseUrl]) {
        const refused = await file(base);
        expect(refused.status).toBe(429);
        expect(refused.body).toEqual({ error: { code: 'rate_limited', message: 'too many requests from this address; try again later', details: [] } });
        expect(Number(refused.retryAfter)).toBeGreaterThan(3500);
        expect(Number(refused.retryAfter)).toBeLessThanOrEqual(3600);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('counts concurrent requests once each, and starts a new window once the last has ended', async () => {
    const start = new Date();
    const counts = await Promise.all(Array.from({ length: 20 }, () => countRequest(h.db, 'test:concurrent', start, HOUR)));
    expect(counts.map((c) => c.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(counts.map((c) => c.windowEnd.getTime()))).toEqual(new Set([start.getTime() + HOUR]));

    const later = new Date(start.getTime() + HOUR);
    expect(await countRequest(h.db, 'test:concurrent', later, HOUR)).toEqual({ hits: 1, windowEnd: new Date(later.getTime() + HOUR) });
  });
});
