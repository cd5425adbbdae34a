import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { createApp } from '../../api/app';
import { connect, type Db } from '../../db/connect';
import { APPEND_ONLY_TABLES, applicationAccount } from '../../db/grants';
import { eventually, startHarness, type Harness } from '../support/harness';

/** The audit trail: every change with actor, role, time, action, status before and after, request id; append-only by grant. */
let h: Harness;
let owner: Db;
beforeAll(async () => {
  h = await startHarness();
  owner = connect(h.ownerUrl);
});
afterAll(async () => {
  await owner?.destroy();
  await h?.close();
});

describe('audit trail', () => {
  it('records each step of a case with who, in which role, when, the status before and after, and the request', async () => {
    const created = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: example, headers: { 'x-request-id': 'audit-create-1' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const assigned = await h.api('POST', `/v1/station-applications/${id}/reviewer`, {
      as: 'sup-1',
      body: { reviewerId: 'rev-2' },
      headers: { 'x-request-id': 'audit-assign-1' },
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);

    const items = await eventually(async () => {
      const res = await h.api('GET', `/v1/station-applications/${id}/timeline`, { as: 'sup-1' });
      return res.body.items?.some((e: { action: string }) => e.action === 'reviewer_assigned') ? res.body.items : undefined;
    });
    const submitted = items.find((e: { action: string }) => e.action === 'submitted');
    expect(submitted).toMatchObject({ actorId: 'admin-1', actorRole: 'station_admin', requestId: 'audit-create-1', statusAfter: 'submitted' });
    const assignment = items.find((e: { action: string }) => e.action === 'reviewer_assigned');
    expect(assignment).toMatchObject({
      actorId: 'sup-1',
      actorRole: 'supervisor',
      requestId: 'audit-assign-1',
      statusAfter: 'in_review',
      data: { reviewerId: 'rev-2' },
    });
    // "Before" is the status the previous entry left the case in.
    const previous = items[items.indexOf(assignment) - 1];
    expect(assignment.statusBefore).toBe(previous.statusAfter);
    expect(Date.parse(assignment.at)).toBeGreaterThanOrEqual(Date.parse(submitted.at));
    expect(items.map((e: { seq: number }) => e.seq)).toEqual(items.map((_: unknown, i: number) => i + 1));
  });

  it('records register entries made outside any workflow, readable on the examiner timeline', async () => {
    const conduct = await h.api('POST', '/v1/examiners/exam-2/conduct', {
      as: 'sup-1',
      body: { kind: 'violation', description: 'arrived after the session had started', source: 'inspection note' },
      headers: { 'x-request-id': 'audit-conduct-1' },
    });
    expect(conduct.status, JSON.stringify(conduct.body)).toBe(201);
    const training = await h.api('POST', '/v1/examiners/exam-2/training', {
      as: 'exam-2',
      body: { hours: 8, course: 'Assessment ethics', completedOn: '2026-10-01' },
    });
    expect(training.status, JSON.stringify(training.body)).toBe(201);

    const timeline = await h.api('GET', '/v1/examiners/exam-2/timeline', { as: 'exam-2' });
    expect(timeline.status).toBe(200);
    expect(timeline.body.items).toMatchObject([
      { seq: 1, action: 'violation_recorded', actorId: 'sup-1', actorRole: 'supervisor', requestId: 'audit-conduct-1', data: { source: 'inspection note' } },
      { seq: 2, action: 'training_recorded', actorId: 'exam-2', actorRole: 'examiner', data: { hours: 8 } },
    ]);
    // Another examiner's register is not theirs to read.
    expect((await h.api('GET', '/v1/examiners/exam-2/timeline', { as: 'exam-1' })).status).toBe(404);
  });

  it('lets the application account read and append to the trail but neither update nor delete it', async () => {
    const { user } = applicationAccount();
    const [[{ current }]] = await h.db.raw('SELECT CURRENT_USER() AS current');
    expect(current).toBe(`${user}@%`);
    const denied = { code: 'ER_TABLEACCESS_DENIED_ERROR' };
    await expect(h.db('events').update({ action: 'rewritten' })).rejects.toMatchObject(denied);
    await expect(h.db('events').del()).rejects.toMatchObject(denied);
    await expect(h.db.raw('TRUNCATE TABLE events')).rejects.toMatchObject({ code: expect.stringMatching(/DENIED/) });
    await expect(h.db.raw('DROP TABLE events')).rejects.toMatchObject({ code: expect.stringMatching(/DENIED/) });
    expect(Number((await h.db('events').count({ n: '*' }).first())?.n)).toBeGreaterThan(0);
  });

  it('grants the application account every table the migrations created, and only reading and appending on the trail', async () => {
    const { user } = applicationAccount();
    const database = new URL(h.ownerUrl).pathname.slice(1);
    const tables: string[] = await owner('information_schema.tables')
      .where('table_schema', database)
      .andWhere('table_name', 'not like', 'knex\\_migrations%')
      .pluck('table_name');
    const grants = await owner('information_schema.TABLE_PRIVILEGES')
      .where({ TABLE_SCHEMA: database, GRANTEE: `'${user}'@'%'` })
      .select('TABLE_NAME as table', 'PRIVILEGE_TYPE as privilege');
    for (const table of tables) {
      const held = grants
        .filter((g) => g.table === table)
        .map((g) => g.privilege)
        .sort();
      expect(held, table).toEqual(APPEND_ONLY_TABLES.includes(table) ? ['INSERT', 'SELECT'] : ['DELETE', 'INSERT', 'SELECT', 'UPDATE']);
    }
  });
});

describe('production readiness', () => {
  async function ready(db: Db) {
    const app = createApp({ db, temporal: h.temporal, config: { ...h.config, production: true } }, pino({ level: 'silent' }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/readyz`);
      return { status: res.status, body: (await res.json()) as any };
    } finally {
      server.close();
    }
  }

  it('is ready on a durable database with the restricted account', async () => {
    expect(await ready(h.db)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('is not ready when the application could rewrite the trail (connected as the schema owner)', async () => {
    const res = await ready(owner);
    expect(res.status).toBe(503);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'DATABASE_URL' })]);
  });

  it('is not ready unless innodb_flush_log_at_trx_commit is 1', async () => {
    const [[{ flush }]] = await owner.raw('SELECT @@GLOBAL.innodb_flush_log_at_trx_commit AS flush');
    expect(Number(flush)).toBe(1);
    await owner.raw('SET GLOBAL innodb_flush_log_at_trx_commit = 2');
    try {
      const res = await ready(h.db);
      expect(res.status).toBe(503);
      expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'innodb_flush_log_at_trx_commit' })]);
    } finally {
      await owner.raw('SET GLOBAL innodb_flush_log_at_trx_commit = 1');
    }
  });
});
