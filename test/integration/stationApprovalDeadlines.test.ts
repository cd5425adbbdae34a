import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { eventually, startHarness, type Harness } from '../support/harness';

/** Deadlines in seconds: the same policy mechanism production runs in days. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    stationApproval: {
      deadlines: {
        resubmission: 'PT3S',
        assignReviewer: 'PT2S',
        documentReview: 'PT2S',
        assignAssessors: 'PT60S',
        onSiteAssessment: 'PT60S',
        finalDecision: 'PT60S',
      },
      escalation: { dutyMailbox: 'duty@hrss.example', maxLevel: 2 },
    },
  });
});
afterAll(async () => h?.close());

const timelineOf = async (id: string) =>
  (await h.api('GET', `/v1/station-applications/${id}/timeline`, { as: 'sup-1' })).body.items as Array<{ action: string; data?: any; actorId: string }>;

describe('station approval deadlines', () => {
  it('reminds and escalates a missed step up the ladder, and shows both on the timeline', async () => {
    const created = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: example });
    const id = created.body.id;
    expect(created.body.pending).toMatchObject({ action: 'assignReviewer', role: 'supervisor', escalationLevel: 0 });

    // Nobody assigns a reviewer: level 1 after 2 s, level 2 after 4 s.
    const missed = await eventually(async () => {
      const items = (await timelineOf(id)).filter((e) => e.action === 'deadline_missed');
      return items.length >= 2 ? items : undefined;
    });
    expect(missed.map((e) => e.data.escalationLevel).slice(0, 2)).toEqual([1, 2]);
    expect(missed[0]).toMatchObject({ actorId: 'system', data: { action: 'assignReviewer', holders: ['supervisor'] } });

    const record = (await h.api('GET', `/v1/station-applications/${id}`, { as: 'sup-1' })).body.record;
    expect(record.pending.escalationLevel).toBeGreaterThanOrEqual(2);

    // Supervisors hold the step: those covering Foshan (city, Guangdong, national) are reminded, and the
    // escalation climbs the tree from the rung above them: Guangdong's supervisors, then the national level.
    const forCase = () => h.mails.filter((m) => m.subject.includes(id));
    await eventually(async () => forCase().filter((m) => m.subject.startsWith('Escalation')).length >= 2);
    const reminders = forCase().filter((m) => m.subject.startsWith('Reminder'));
    expect(reminders[0].to.sort()).toEqual([
      'li.na@hrss.example',
      'ou.yang@gd.hrss.example',
      'qiu.lan@fs.hrss.example',
      'wang.jun@hrss.example',
      'zhao.min@osta.example',
    ]);
    const escalations = forCase().filter((m) => m.subject.startsWith('Escalation'));
    expect(escalations.find((m) => m.subject.startsWith('Escalation (level 1)'))?.to).toEqual(['ou.yang@gd.hrss.example']);
    expect(escalations.find((m) => m.subject.startsWith('Escalation (level 2)'))?.to.sort()).toEqual([
      'li.na@hrss.example',
      'wang.jun@hrss.example',
      'zhao.min@osta.example',
    ]);
    // Nobody in Xiamen or the machinery authority hears of a Foshan case.
    expect(forCase().some((m) => m.to.some((to) => to.includes('xm.hrss') || to.includes('machinery-skills')))).toBe(false);

    // Acting late still works; the next step has its own deadline, and the reviewer's miss goes first to the city's supervisors.
    expect((await h.api('POST', `/v1/station-applications/${id}/reviewer`, { as: 'sup-1', body: { reviewerId: 'rev-2' } })).status).toBe(200);
    const reviewerMiss = await eventually(async () => (await timelineOf(id)).find((e) => e.action === 'deadline_missed' && e.data.action === 'review'));
    expect(reviewerMiss.data).toMatchObject({ escalationLevel: 1, holders: ['rev-2'] });
    const escalation = await eventually(async () => forCase().find((m) => m.subject.startsWith('Escalation (level 1)') && m.text.includes('rev-2')));
    expect(escalation.to).toEqual(['qiu.lan@fs.hrss.example']);
    expect(forCase().some((m) => m.subject.startsWith('Reminder') && m.to.includes('sun.hao@osta.example'))).toBe(true);
  });

  it('withdraws an incomplete application when the applicant misses the resubmission deadline', async () => {
    const incomplete = structuredClone(example);
    incomplete.documents = [];
    const created = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: incomplete });
    expect(created.body.status).toBe('incomplete');
    const id = created.body.id;
    const record = await eventually(async () => {
      const r = (await h.api('GET', `/v1/station-applications/${id}`, { as: 'admin-1' })).body.record;
      return r.status === 'withdrawn' ? r : undefined;
    });
    expect(record.outcome.withdrawnReason).toMatch(/^no resubmission by /);
    expect((await timelineOf(id)).map((e) => e.action)).toEqual(['submitted', 'completeness_failed', 'withdrawn_by_deadline']);
    await eventually(async () => h.mails.find((m) => m.subject === `Station application ${id}: withdrawn`));
  });
});
