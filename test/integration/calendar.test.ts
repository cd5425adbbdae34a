import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarInForce } from '../../db/queries/calendars';
import { addWorkingDays, nthWorkingDayAfter, workingDaysBetween } from '../../domain/workingDays';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * The working-day calendar through the API (seeded national years, publications and their checks, a province's own days
 * off), and working-day deadlines on a complaint: a wait keeps the due time it started with when the calendar is corrected,
 * the next wait counts in the corrected one. WD periods are days long: the test reads the due times recorded on the case.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ complaint: { triage: 'P2D', assignInvestigator: 'P5WD', sla: { normal: 'P10WD', serious: 'P10WD', critical: 'P3WD' } } });
});
afterAll(async () => h?.close());

const publish = (year: number, as: string, body: Record<string, unknown>) => h.api('POST', `/v1/calendars/${year}`, { as, body });
const year = (y: number, as = 'sup-1', province?: string) => h.api('GET', `/v1/calendars/${y}${province ? `?province=${province}` : ''}`, { as });

describe('the working-day calendar', () => {
  it('holds the national years as the State Council published them, 2026’s Spring Festival and make-up Saturdays included', async () => {
    const res = await year(2026, 'sup-gd');
    expect(res.status).toBe(200);
    expect(res.body.national.current.holidays).toEqual(expect.arrayContaining(['2026-02-16', '2026-02-23', '2026-10-07']));
    expect(res.body.national.current.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(res.body.canPublish).toEqual({ national: false, province: false });
  });

  it('publishes a correction of a whole year as a new version, audited with who and why, and refuses what is not a calendar', async () => {
    const before = (await year(2027)).body;
    expect(before.national.current).toBeNull();
    const body = { scope: 'national', holidays: ['2027-01-01', '2027-02-08'], workdays: ['2027-02-06'], reason: '国务院办公厅通知（国办发明电〔2026〕1号）' };

    const refusals = [
      await publish(2027, 'sup-1', { ...body, holidays: ['2026-12-31'] }),
      await publish(2027, 'sup-1', { ...body, holidays: ['2027-02-06'] }),
      await publish(2027, 'sup-1', { ...body, workdays: ['2027-02-08', '2027-02-09'], holidays: ['2027-01-01'] }),
      await publish(2027, 'sup-1', { ...body, holidays: ['2027-02-30'] }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect(refusals[0].body.error.details).toEqual([expect.objectContaining({ field: 'holidays', code: 'outside_year' })]);
    expect(refusals[1].body.error.details).toEqual([expect.objectContaining({ field: 'workdays', code: 'both' })]);
    expect(refusals[2].body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'workdays', code: 'not_weekend' })]));
    // A provincial supervisor sees the national calendar but may not change it; another province is not there for her.
    expect((await publish(2027, 'sup-gd', body)).status).toBe(403);
    expect((await publish(2027, 'sup-gd', { scope: '350000', holidays: ['2027-03-01'], reason: '地方节日' })).status).toBe(404);
    expect((await year(2027, 'sup-gd', '350000')).status).toBe(404);
    expect((await year(2027, 'sup-1')).body.national.current).toBeNull();

    const first = await publish(2027, 'sup-1', body);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const corrected = await publish(2027, 'sup-2', { ...body, holidays: [...body.holidays, '2027-02-09'], reason: '更正：春节假期多一天' });
    expect(corrected.status).toBe(201);
    expect(corrected.body.version).toBeGreaterThan(first.body.version);

    const after = (await year(2027)).body;
    expect(after.national.current).toMatchObject({
      version: corrected.body.version,
      holidays: ['2027-01-01', '2027-02-08', '2027-02-09'],
      publishedBy: 'sup-2',
    });
    expect(after.national.history.map((p: { version: number }) => p.version)).toEqual([corrected.body.version, first.body.version]);
    const audit = await h.db('events').where({ case_type: 'calendar', case_id: 'national:2027' }).orderBy('seq');
    expect(audit.map((e) => [e.action, e.actor_id])).toEqual([
      ['calendar_published', 'sup-1'],
      ['calendar_published', 'sup-2'],
    ]);
    expect(JSON.stringify(audit[1].data)).toContain('更正：春节假期多一天');
  });

  it('layers a province’s own days off over the national calendar, for that province only', async () => {
    const res = await publish(2027, 'sup-gd', { scope: '440000', holidays: ['2027-03-03'], reason: '广东省地方性假日' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // A province adds days off; make-up working days are the nation's.
    expect((await publish(2027, 'sup-gd', { scope: '440000', holidays: [], workdays: ['2027-03-06'], reason: '调休' })).status).toBe(400);
    const guangdong = (await year(2027, 'sup-gd', '440000')).body;
    expect(guangdong.inForce.holidays).toEqual(expect.arrayContaining(['2027-02-09', '2027-03-03']));
    expect(guangdong.canPublish).toEqual({ national: false, province: true });
    expect((await year(2027, 'sup-fj', '350000')).body.inForce.holidays).not.toContain('2027-03-03');
    const due = (province: string) => calendarInForce(h.db, province).then((cal) => addWorkingDays(cal, '2027-03-02T02:00:00.000Z', 1));
    expect(await due('440000')).toBe('2027-03-04T15:59:59.999Z');
    expect(await due('350000')).toBe('2027-03-03T15:59:59.999Z');
  });
});

describe('working-day deadlines on a case', () => {
  it('keeps a wait’s due time when the calendar is corrected, and counts the next wait in the corrected calendar', async () => {
    const filed = await h.api('POST', '/v1/public/complaints', {
      body: { category: 'examiner_misconduct', happenedOn: '2026-11-01', description: 'The examiner left the room during the practical test.' },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const id = await eventually(
      async () => (await h.db('complaints').where({ tracking_number: filed.body.trackingNumber }).first('id'))?.id as string | undefined,
    );
    const live = async () => (await h.api('GET', `/v1/complaints/${id}`, { as: 'sup-1' })).body.live;
    const entryAt = async (action: string) => (await live()).timeline.find((e: { action: string }) => e.action === action).at as string;

    const triaged = await h.api('POST', `/v1/complaints/${id}/triage`, { as: 'handler-1', body: { category: 'examiner_misconduct', severity: 'normal' } });
    expect(triaged.status, JSON.stringify(triaged.body)).toBe(200);
    // The answer to the action already carries the working-day due time of the step it began.
    expect(triaged.body.pending).toMatchObject({ action: 'assignInvestigator', workingDays: 5 });
    const original = await calendarInForce(h.db, '');
    const waiting = await eventually(async () => {
      const l = await live();
      return l.pending?.action === 'assignInvestigator' ? l.pending : undefined;
    });
    const triagedAt = await entryAt('triaged');
    expect(waiting).toMatchObject({ workingDays: 5, calendarVersion: original.version, dueAt: addWorkingDays(original, triagedAt, 5) });
    const row = await h.db('complaints').where({ id }).first('due_at');
    expect(new Date(row.due_at).toISOString()).toBe(waiting.dueAt);

    // The nation adds the next three working days as days off (a correction of their year, or years).
    const added = [1, 2, 3].map((n) => nthWorkingDayAfter(original, triagedAt, n));
    for (const y of [...new Set(added.map((d) => Number(d.slice(0, 4))))]) {
      const current = (await year(y)).body.national.current ?? { holidays: [], workdays: [] };
      const extra = added.filter((d) => d.startsWith(`${y}-`));
      const res = await publish(y, 'sup-1', {
        scope: 'national',
        holidays: [...current.holidays, ...extra],
        workdays: current.workdays.filter((d: string) => !extra.includes(d)),
        reason: '更正：增加临时假日',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const corrected = await calendarInForce(h.db, '');
    expect(corrected.version).toBeGreaterThan(original.version);

    // The wait under way keeps the due time it started with.
    expect((await live()).pending).toMatchObject({ action: 'assignInvestigator', dueAt: waiting.dueAt, calendarVersion: original.version });

    // The investigation's SLA starts now, in the corrected calendar: three working days later than before the correction.
    const assigned = await h.api('POST', `/v1/complaints/${id}/investigator`, { as: 'sup-1', body: { investigatorId: 'insp-2' } });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    const investigating = await eventually(async () => {
      const l = await live();
      return l.pending?.action === 'submitFinding' ? l.pending : undefined;
    });
    const assignedAt = await entryAt('investigator_assigned');
    expect(investigating).toMatchObject({ workingDays: 10, calendarVersion: corrected.version, dueAt: addWorkingDays(corrected, assignedAt, 10) });
    expect(Date.parse(investigating.dueAt)).toBeGreaterThan(Date.parse(addWorkingDays(original, assignedAt, 10)));

    // What the console shows beside the due date: the working days left, on the corrected calendar.
    const now = new Date().toISOString();
    const left = await h.api('GET', `/v1/working-days?${new URLSearchParams({ from: now, to: investigating.dueAt }).toString()}`, { as: 'insp-2' });
    expect(left.body).toEqual({ days: workingDaysBetween(corrected, now, investigating.dueAt), calendarVersion: corrected.version });
    expect(left.body.days).toBeGreaterThanOrEqual(9);
  });
});
