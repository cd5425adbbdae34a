import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { calendarInForce } from '../../db/queries/calendars';
import { defaultPolicy } from '../../domain/policy';
import { addWorkingDays, workingDaysBetween } from '../../domain/workingDays';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * The statutory clock of the licensing decision (法定办理时限) on a seconds-scale policy: the limit is an ISO duration,
 * counted as elapsed time (production counts P20WD in working days through the calendar, the same runtime otherwise).
 * The steps' own deadlines are long, so only the statutory clock acts here.
 */
const LIMIT_MS = 25_000;
const EXTENSION_MS = 20_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    stationApproval: {
      deadlines: {
        resubmission: 'PT5M',
        assignReviewer: 'PT5M',
        documentReview: 'PT5M',
        assignAssessors: 'PT5M',
        onSiteAssessment: 'PT5M',
        industryConcurrence: 'PT5M',
        finalDecision: 'PT5M',
      },
      escalation: { dutyMailbox: 'duty@hrss.example', maxLevel: 2 },
      statutory: { limit: 'PT25S', extension: 'PT20S' },
    },
  });
});
afterAll(async () => h?.close());

interface Entry {
  seq: number;
  at: string;
  action: string;
  actorId: string;
  data?: any;
}

const timelineOf = async (id: string) => (await h.api('GET', `/v1/station-applications/${id}/timeline`, { as: 'sup-1' })).body.items as Entry[];
const entry = (id: string, action: string, nth = 0) =>
  eventually(async () => (await timelineOf(id)).filter((e) => e.action === action)[nth], { timeoutMs: 60_000 });
const read = async (id: string, as = 'sup-1') => (await h.api('GET', `/v1/station-applications/${id}`, { as })).body;
const act = (id: string, path: string, as: string, body: unknown) => h.api('POST', `/v1/station-applications/${id}/${path}`, { as, body });
const ms = (from: string, to: string) => Date.parse(to) - Date.parse(from);

async function file(): Promise<string> {
  const created = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: example });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id;
}

describe('the statutory clock of a licensing decision', () => {
  it('runs from acceptance, stops while the application is returned to the applicant, and resumes on the resubmission', async () => {
    const id = await file();
    const accepted = await entry(id, 'completeness_passed');
    const started = (await read(id)).statutory;
    expect(started).toMatchObject({ unit: 'ms', limit: LIMIT_MS, startedAt: accepted.at, running: true, extension: null, missedAt: null });
    expect(started.dueAt).toBe(new Date(Date.parse(accepted.at) + LIMIT_MS).toISOString());

    expect((await act(id, 'reviewer', 'sup-1', { reviewerId: 'rev-2' })).status).toBe(200);
    expect((await act(id, 'review', 'rev-2', { outcome: 'return', reasons: ['场地证明已过期'] })).status).toBe(200);
    const returned = await entry(id, 'review_return');
    const stopped = await entry(id, 'statutory_clock_stopped');
    // The time up to the return counts; nothing is due while the applicant holds the application.
    expect(stopped.data).toMatchObject({ unit: 'ms', used: ms(accepted.at, returned.at), dueAt: null });
    const whileReturned = (await read(id)).statutory;
    expect(whileReturned).toMatchObject({ running: false, dueAt: null, used: ms(accepted.at, returned.at) });

    // The applicant takes a while; that time is not the authority's.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await read(id)).statutory.used).toBe(ms(accepted.at, returned.at));
    expect((await act(id, 'resubmit', 'admin-1', { application: example })).status).toBe(200);
    const resubmitted = await entry(id, 'resubmitted');
    const resumed = await entry(id, 'statutory_clock_resumed');
    const left = LIMIT_MS - ms(accepted.at, returned.at);
    expect(resumed.data).toMatchObject({ used: ms(accepted.at, returned.at), left, dueAt: new Date(Date.parse(resubmitted.at) + left).toISOString() });

    // The applicant withdraws: the clock ends, its time the two runs and not the return between them.
    expect((await act(id, 'withdraw', 'admin-1', { reason: '暂不申请' })).status).toBe(200);
    const withdrawn = await entry(id, 'withdrawn');
    const ended = await eventually(async () => {
      const s = (await read(id)).statutory;
      return s.endedAt ? s : undefined;
    });
    expect(ended.used).toBe(ms(accepted.at, returned.at) + ms(resubmitted.at, withdrawn.at));
    expect(ended.used).toBeLessThan(ms(accepted.at, withdrawn.at) - 2000);
    expect(ended).toMatchObject({ running: false, endedAt: withdrawn.at, missedAt: null });
    expect((await read(id)).record.statutoryLimitMissed).toBe(false);
  });

  it('a supervisor extends the limit once with reasons, the applicant is mailed, and a second extension is refused', async () => {
    const id = await file();
    const before = (await read(id)).statutory;

    // Only a supervisor, and only with reasons.
    expect((await act(id, 'statutory-extension', 'rev-2', { reasons: ['需补充论证'] })).status).toBe(403);
    const noReasons = await act(id, 'statutory-extension', 'sup-1', { reasons: [] });
    expect(noReasons.status).toBe(400);

    const extended = await act(id, 'statutory-extension', 'sup-1', { reasons: ['需组织专家论证现场条件'] });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    expect(extended.body.statutory).toMatchObject({
      limit: LIMIT_MS + EXTENSION_MS,
      dueAt: new Date(Date.parse(before.dueAt) + EXTENSION_MS).toISOString(),
      extension: { amount: EXTENSION_MS, by: 'sup-1', reasons: ['需组织专家论证现场条件'] },
    });
    const audit = extended.body.timeline.at(-1);
    expect(audit).toMatchObject({
      action: 'statutory_limit_extended',
      actorId: 'sup-1',
      actorRole: 'supervisor',
      data: { reasons: ['需组织专家论证现场条件'] },
    });

    const second = await act(id, 'statutory-extension', 'sup-1', { reasons: ['再延长一次'] });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/only once/);

    const mail = await eventually(async () => h.mails.find((m) => m.subject === `Station application ${id}: 审批期限延长 / decision period extended`));
    expect(mail.to).toEqual([example.contactEmail]);
    expect(mail.text).toContain('需组织专家论证现场条件');
    expect((await read(id)).statutory).toMatchObject({ limit: LIMIT_MS + EXTENSION_MS, extension: { by: 'sup-1' } });
    expect((await timelineOf(id)).filter((e) => e.action === 'statutory_limit_extended')).toHaveLength(1);
    await act(id, 'withdraw', 'admin-1', { reason: '测试结束' });
  });

  it('under the production policy counts working days through the calendar in force, and records its version', async () => {
    // Applications filed from now on take the policy in force at filing (P20WD, extension P10WD), as in production.
    const seconds = h.config.policy.stationApproval.statutory;
    h.config.policy.stationApproval.statutory = defaultPolicy.stationApproval.statutory;
    try {
      const id = await file();
      const accepted = await entry(id, 'completeness_passed');
      const calendar = await calendarInForce(h.db, example.region.provinceCode);
      const started = (await read(id)).statutory;
      expect(started).toMatchObject({
        unit: 'workingDays',
        limit: 20,
        used: 0,
        left: 20,
        calendarVersion: calendar.version,
        dueAt: addWorkingDays(calendar, accepted.at, 20),
      });
      expect(accepted.data).toEqual({ statutoryDueAt: started.dueAt });

      // A return and a resubmission on the same day: no working day passes in between.
      await act(id, 'reviewer', 'sup-1', { reviewerId: 'rev-2' });
      await act(id, 'review', 'rev-2', { outcome: 'return', reasons: ['营业执照复印件不清晰'] });
      const returned = await entry(id, 'review_return');
      const stopped = await entry(id, 'statutory_clock_stopped');
      expect(stopped.data).toMatchObject({ unit: 'workingDays', used: workingDaysBetween(calendar, accepted.at, returned.at), dueAt: null });
      await act(id, 'resubmit', 'admin-1', { application: example });
      const resubmitted = await entry(id, 'resubmitted');
      const resumed = await entry(id, 'statutory_clock_resumed');
      expect(resumed.data.dueAt).toBe(addWorkingDays(calendar, resubmitted.at, 20 - stopped.data.used));

      // The extension adds ten working days to the due time it had.
      const extended = await act(id, 'statutory-extension', 'sup-1', { reasons: ['需征求行业主管部门意见'] });
      expect(extended.status, JSON.stringify(extended.body)).toBe(200);
      expect(extended.body.statutory).toMatchObject({ limit: 30, dueAt: addWorkingDays(calendar, resumed.data.dueAt, 10), calendarVersion: calendar.version });
      const mail = await eventually(async () => h.mails.find((m) => m.subject === `Station application ${id}: 审批期限延长 / decision period extended`));
      expect(mail.text).toContain('10 个工作日');
      await act(id, 'withdraw', 'admin-1', { reason: '测试结束' });
    } finally {
      h.config.policy.stationApproval.statutory = seconds;
    }
  });

  it('a missed limit is recorded, flags the application for statistics and escalates to the national level', async () => {
    const id = await file();
    const missed = await entry(id, 'statutory_limit_missed');
    expect(missed).toMatchObject({ actorId: 'system', data: { unit: 'ms', limit: LIMIT_MS } });
    const view = await eventually(async () => {
      const v = await read(id);
      return v.record.statutoryLimitMissed ? v : undefined;
    });
    expect(view.statutory.missedAt).toBe(missed.at);
    expect(view.statutory.left).toBeLessThanOrEqual(0);

    // The holders (Foshan's, Guangdong's and the national supervisors for an unassigned reviewer) are reminded, and the
    // top of the ladder, the national level, is told at once (the step's own ladder stops at level 2 in this policy).
    const forCase = () => h.mails.filter((m) => m.subject.includes(id));
    const escalation = await eventually(async () => forCase().find((m) => m.subject.startsWith('法定办理时限超期')));
    expect(escalation.to.sort()).toEqual(['li.na@hrss.example', 'wang.jun@hrss.example', 'zhao.min@osta.example']);
    const reminder = await eventually(async () => forCase().find((m) => m.subject.startsWith('法定办理时限已过')));
    expect(reminder.to).toContain('qiu.lan@fs.hrss.example');

    // Too late to extend; the case goes on and can still be decided.
    expect((await act(id, 'statutory-extension', 'sup-1', { reasons: ['补救'] })).status).toBe(409);
    expect((await act(id, 'reviewer', 'sup-1', { reviewerId: 'rev-2' })).status).toBe(200);
    expect((await timelineOf(id)).filter((e) => e.action === 'statutory_limit_missed')).toHaveLength(1);
    await act(id, 'withdraw', 'admin-1', { reason: '测试结束' });
  });
});
