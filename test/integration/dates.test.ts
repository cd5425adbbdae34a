import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, dropDatabase, ensureDatabase, type Db } from '../../db/connect';
import { knexConfig } from '../../db/knexfile';
import { examinerRow, toCsv } from '../support/examinerCsv';
import { licenseStation } from '../support/fixtures';
import { eventually, startHarness, type ApiResponse, type Harness } from '../support/harness';
import example from '../../db/seeds/station-application.example.json';

/**
 * Dates after 2038-01-19 (where a TIMESTAMP column ends) through an import, the API and the workflows, and the
 * migration that made every date-time column DATETIME(3) in UTC. Long policy durations put deadlines decades out.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    stationApproval: { deadlines: { assignReviewer: 'P20Y' }, licenceValidity: 'P80Y' },
    programme: { intervals: { unrated: 'P20Y' } },
    qualification: { validity: 'P80Y' },
  });
});
afterAll(async () => h?.close());

const year = (iso: string | null | undefined) => (iso ? new Date(iso).getUTCFullYear() : undefined);

async function postCsv(csv: string): Promise<ApiResponse> {
  const res = await fetch(`${h.baseUrl}/v1/examiners/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await h.token('sup-1')}`, 'content-type': 'text/csv' },
    body: csv,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

describe('dates after 2038', () => {
  it('imports qualifications expiring in 2040 and 2100, shows them and runs their cycles', async () => {
    const rows = [examinerRow(1, 'DT', { expires_on: '2040-06-30' }), examinerRow(2, 'DT', { expires_on: '2100-12-31' })];
    const res = await postCsv(toCsv(rows));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.imported).toBe(2);

    for (const row of rows) {
      const examiner = await h.api('GET', `/v1/examiners/${row.examiner_id}`, { as: 'sup-1' });
      expect(examiner.status, JSON.stringify(examiner.body)).toBe(200);
      expect(examiner.body.qualifications.map((q: { expiresAt: string }) => q.expiresAt)).toEqual([`${row.expires_on}T00:00:00.000Z`]);
    }
    // Each cycle writes its row: the expiry survives the workflow's own write too.
    const written = await eventually(async () => {
      const found = await h.db('qualifications').where({ import_id: res.body.importId }).where('version', '>=', 1).select('id', 'card_number');
      return found.length === rows.length ? found : undefined;
    });
    for (const { id, card_number } of written) {
      const q = await h.api('GET', `/v1/qualifications/${id}`, { as: 'sup-1' });
      const expected = `${rows.find((r) => r.card_number === card_number)!.expires_on}T00:00:00.000Z`;
      expect(q.body.record.expiresAt).toBe(expected);
      expect(q.body.live.expiresAt).toBe(expected);
    }
    // Compared as dates past 2038: before 2041 holds the first only.
    const listed = await h.api('GET', `/v1/qualifications?status=active&expiresBefore=${encodeURIComponent('2041-01-01T00:00:00.000Z')}&limit=100`, {
      as: 'sup-1',
    });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const cards = listed.body.items.map((q: { cardNumber: string }) => q.cardNumber);
    expect(cards).toContain(rows[0].card_number);
    expect(cards).not.toContain(rows[1].card_number);
  });

  it('admits a qualification valid until after 2100 and suspends it until 2100-01-01 through the API', async () => {
    const applied = await h.api('POST', '/v1/qualifications', {
      as: 'exam-1',
      body: { occupationCode: '4-07-91-01', level: 3, trainingHours: 48, examScore: 82, nationalId: '44010619850301123X' },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const admitted = await h.api('POST', `/v1/qualifications/${applied.body.id}/admission-decision`, { as: 'rev-2', body: { outcome: 'approve' } });
    expect(admitted.status, JSON.stringify(admitted.body)).toBe(200);
    expect(year(admitted.body.expiresAt)).toBeGreaterThanOrEqual(2105);

    const until = '2100-01-01T00:00:00.000Z';
    const suspended = await h.api('POST', `/v1/qualifications/${applied.body.id}/suspension`, {
      as: 'sup-1',
      body: { until, reasons: ['complaint under investigation'] },
    });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    expect(suspended.body.status).toBe('suspended');

    const read = await eventually(async () => {
      const r = await h.api('GET', `/v1/qualifications/${applied.body.id}`, { as: 'sup-1' });
      return r.body.record?.status === 'suspended' ? r.body : undefined;
    });
    expect(read.record.expiresAt).toBe(admitted.body.expiresAt);
    expect(read.record.summary.suspension.until).toBe(until);
    expect(read.live.suspension.until).toBe(until);
  });

  it('keeps a station application whose first deadline falls in 2046', async () => {
    const created = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: example });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const record = await eventually(async () => {
      const r = await h.api('GET', `/v1/station-applications/${created.body.id}`, { as: 'sup-1' });
      return r.body?.record?.pending?.dueAt ? r.body.record : undefined;
    });
    expect(record.pending.action).toBe('assignReviewer');
    expect(year(record.pending.dueAt)).toBeGreaterThanOrEqual(2046);
  });

  it('licenses a station valid past 2100 whose programme runs to a first inspection past 2038', async () => {
    const stationId = await licenseStation(h);
    const station = (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body;
    expect(year(station.validUntil)).toBeGreaterThanOrEqual(2105);
    expect(year(station.programme.nextDueAt)).toBeGreaterThanOrEqual(2045);
  });
});

const MIGRATION = '20261129_19_datetime_columns';

interface Column {
  table: string;
  column: string;
  type: string;
  nullable: string;
  default: string | null;
}

/** Every date-time column of the database, knex's own bookkeeping aside. */
async function dateTimeColumns(db: Knex): Promise<Column[]> {
  return db('information_schema.columns')
    .where('table_schema', db.raw('DATABASE()'))
    .whereIn('data_type', ['timestamp', 'datetime'])
    .andWhere('table_name', 'not like', 'knex\\_migrations%')
    .orderBy(['table_name', 'column_name'])
    .select({ table: 'table_name', column: 'column_name', type: 'column_type', nullable: 'is_nullable', default: 'column_default' });
}

describe(`migration ${MIGRATION}`, () => {
  const url = `mysql://root@127.0.0.1:3306/as_test_dates_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  /** The schema owner on a server whose sessions run in another zone: the conversion must not depend on it. */
  let owner: Knex;
  let app: Db;
  beforeAll(async () => {
    await ensureDatabase(url);
    const inAnotherZone = (conn: { query: (sql: string, done: (error: Error | null) => void) => void }, done: (error: Error | null, conn: unknown) => void) =>
      conn.query("SET time_zone = '+08:00'", (error) => done(error, conn));
    owner = knex({ ...knexConfig(url), pool: { min: 0, max: 1, afterCreate: inAnotherZone } });
    app = connect(url);
  });
  afterAll(async () => {
    await owner?.destroy();
    await app?.destroy();
    await dropDatabase(url);
  });

  it('turns every TIMESTAMP column into DATETIME(3) and keeps the instant of every existing row', async () => {
    // Up to the migration before this one.
    for (;;) {
      const [, pending] = await owner.migrate.list();
      expect(pending.length).toBeGreaterThan(0);
      if (pending[0] === MIGRATION) break;
      await owner.migrate.up();
    }
    const before = await dateTimeColumns(owner);
    expect(before.some((c) => c.type === 'timestamp(3)')).toBe(true);
    // What the old columns refused.
    const event = (at: Date, seq: number) => ({ case_type: 'test', case_id: 'dates', seq, action: 'noted', actor_id: 'sup-1', actor_role: 'supervisor', at });
    await expect(owner('events').insert(event(new Date('2040-06-30T00:00:00.000Z'), 99))).rejects.toThrow();

    await owner('users').insert({ id: 'dates-user', name: 'Dates', email: 'dates@example.test', organisation: 'Test', affiliations: '[]' });
    await owner('events').insert(event(new Date('2030-05-06T07:08:09.123Z'), 1));
    await owner('idempotency_keys').insert({
      caller: 'dates',
      idem_key: 'k',
      request_hash: 'h',
      resource_id: 'r',
      claim: 'c',
      claimed_at: new Date('2037-12-31T23:59:59.999Z'),
    });
    // The instants the rows hold, in milliseconds since the epoch whatever the session's zone.
    const [[held]] = await owner.raw(
      `SELECT UNIX_TIMESTAMP((SELECT created_at FROM users WHERE id = 'dates-user')) AS created,
              UNIX_TIMESTAMP((SELECT at FROM events WHERE case_id = 'dates' AND seq = 1)) AS at,
              UNIX_TIMESTAMP((SELECT claimed_at FROM idempotency_keys WHERE caller = 'dates')) AS claimed`,
    );
    const epochs = Object.fromEntries(Object.entries(held).map(([k, v]) => [k, Math.round(Number(v) * 1000)]));
    expect(Math.abs(epochs.created - Date.now())).toBeLessThan(60_000);

    const [, applied] = await owner.migrate.up();
    expect(applied).toEqual([MIGRATION]);

    // Same columns, nullability and defaults; DATETIME(3) now.
    const after = await dateTimeColumns(owner);
    expect(after.map((c) => [c.table, c.column, c.nullable, c.default?.toLowerCase() ?? null])).toEqual(
      before.map((c) => [c.table, c.column, c.nullable, c.default?.toLowerCase() ?? null]),
    );
    expect(after.filter((c) => c.type !== 'datetime(3)')).toEqual([]);
    expect(after.filter((c) => c.default?.toLowerCase() === 'current_timestamp(3)').map((c) => `${c.table}.${c.column}`)).toContain('users.created_at');

    // Read the way the application reads them: the same instants.
    const [user] = await app('users').where({ id: 'dates-user' }).select('created_at');
    const [ev] = await app('events').where({ case_id: 'dates', seq: 1 }).select('at');
    const [claim] = await app('idempotency_keys').where({ caller: 'dates' }).select('claimed_at');
    expect({ created: user.created_at.getTime(), at: ev.at.getTime(), claimed: claim.claimed_at.getTime() }).toEqual(epochs);
  });

  it('leaves no TIMESTAMP column once every migration has run', async () => {
    await owner.migrate.latest();
    const columns = await dateTimeColumns(owner);
    expect(columns.filter((c) => c.type !== 'datetime(3)')).toEqual([]);
  });

  it('writes and reads UTC to the millisecond, defaults included', async () => {
    const [[zone]] = await app.raw('SELECT @@session.time_zone AS zone');
    expect(zone.zone).toBe('+00:00');
    for (const at of ['2040-06-30T12:34:56.789Z', '2100-12-31T23:59:59.999Z']) {
      const seq = Number(at.slice(0, 4));
      await app('events').insert({
        case_type: 'test',
        case_id: 'round-trip',
        seq,
        action: 'noted',
        actor_id: 'sup-1',
        actor_role: 'supervisor',
        at: new Date(at),
      });
      const [row] = await app('events').where({ case_id: 'round-trip', seq }).select('at', app.raw('CAST(at AS CHAR) AS stored'));
      expect(row.at.toISOString()).toBe(at);
      expect(row.stored).toBe(at.replace('T', ' ').replace('Z', ''));
    }
    // A default is the current time in UTC.
    const since = Date.now();
    await app('users').insert({ id: 'dates-default', name: 'Dates', email: 'dates@example.test', organisation: 'Test', affiliations: '[]' });
    const [user] = await app('users').where({ id: 'dates-default' }).select('created_at', app.raw('CAST(created_at AS CHAR) AS stored'));
    expect(Math.abs(user.created_at.getTime() - since)).toBeLessThan(5_000);
    expect(user.stored).toBe(user.created_at.toISOString().replace('T', ' ').replace('Z', ''));
  });
});
