import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintWorkflowId } from '../../workflows/complaint.messages';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * Complaints as the complainant and staff see them (issue 14, points 3, 6, 7 and 8): anonymity as given, the
 * complainant's mail under the mail policy, one way to present the secret, and a consultation's answer
 * readable on the public status page.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ complaint: { appealWindow: 'PT10M' } });
});
afterAll(async () => h?.close());

const complainant = { name: 'He Ping', email: 'he.ping@mail.example' };
async function file(body: Record<string, unknown> = {}) {
  const res = await h.api('POST', '/v1/public/complaints', {
    body: { category: 'examiner_misconduct', happenedOn: '2026-11-01', description: 'The examiner marked candidates he had not watched.', ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const id = await eventually(async () => (await h.db('complaints').where({ tracking_number: res.body.trackingNumber }).first('id'))?.id as string | undefined);
  return { ...res.body, id } as { trackingNumber: string; secret: string; id: string };
}
const act = async (id: string, path: string, as: string, body: unknown) => {
  const res = await h.api('POST', `/v1/complaints/${id}/${path}`, { as, body });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
};
const publicStatus = (trackingNumber: string, secret: string) =>
  h.api('GET', `/v1/public/complaints/${trackingNumber}`, { headers: { 'x-complaint-secret': secret } });

describe('complaints as filed, mailed and tracked', () => {
  it('records a complaint as anonymous only when the complainant withheld a contact', async () => {
    const named = await file({ contact: complainant });
    const anonymous = await file();
    const record = async (id: string) => (await h.api('GET', `/v1/complaints/${id}`, { as: 'handler-1' })).body;
    const [namedCase, anonymousCase] = [await record(named.id), await record(anonymous.id)];
    expect([namedCase.record.anonymous, namedCase.live.anonymous]).toEqual([false, false]);
    expect([anonymousCase.record.anonymous, anonymousCase.live.anonymous]).toEqual([true, true]);
    // The intake on the trail says the same.
    const received = async (id: string) =>
      (await h.api('GET', `/v1/complaints/${id}/timeline`, { as: 'handler-1' })).body.items.find((e: { action: string }) => e.action === 'received').data;
    expect((await received(named.id)).anonymous).toBe(false);
    expect((await received(anonymous.id)).anonymous).toBe(true);
    // And the named complainant is who the identity reveal finds.
    expect((await h.api('GET', `/v1/complaints/${named.id}/identity`, { as: 'handler-1' })).body).toEqual({ anonymous: false, contact: complainant });
  });

  it("waits for a slow SMTP server to take the complainant's mail, as for all mail: sent on the first attempt, once", async () => {
    // Slower than a database write may take (10 s), well within what a mail may (30 s).
    h.smtpFaults.answerDelayMs = 12_000;
    try {
      const email = 'slow.smtp@mail.example';
      const c = await file({ contact: { name: 'Gu Lan', email } });
      const handle = h.temporal.workflow.getHandle(complaintWorkflowId(c.id));
      const mailed = await eventually(
        async () => {
          const events = (await handle.fetchHistory()).events ?? [];
          const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'mailComplainant');
          const done = scheduled && events.find((e) => e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === scheduled.eventId?.toString());
          if (!done) return undefined;
          return events.find((e) => e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === scheduled.eventId?.toString())!
            .activityTaskStartedEventAttributes!;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(mailed.attempt).toBe(1);
      expect(h.mails.filter((m) => m.to.includes(email) && m.subject === `Complaint ${c.trackingNumber}: received`)).toHaveLength(1);
    } finally {
      h.smtpFaults.answerDelayMs = 0;
    }
  }, 90_000);

  it('takes the secret in X-Complaint-Secret on every public complaint endpoint, and nowhere else', async () => {
    const c = await file({ contact: complainant });
    await act(c.id, 'triage', 'handler-1', { category: 'examiner_misconduct', severity: 'normal' });
    await act(c.id, 'investigator', 'handler-1', { investigatorId: 'insp-2' });
    await act(c.id, 'finding', 'insp-2', { finding: 'unsubstantiated', reasons: ['the session record shows the examiner watching'] });
    await eventually(async () => (await publicStatus(c.trackingNumber, c.secret)).body.appealOpen);
    const appeal = (headers: Record<string, string>, body: unknown) => h.api('POST', `/v1/public/complaints/${c.trackingNumber}/appeal`, { headers, body });
    const reason = 'Two candidates saw him leave the room.';

    // The secret in the body is refused as an unknown field; none at all, or a wrong one, is the unknown number's 404.
    const inBody = await appeal({}, { secret: c.secret, reason });
    expect(inBody.status).toBe(400);
    expect(JSON.stringify(inBody.body.error.details)).toContain('secret');
    const unknown = await h.api('POST', '/v1/public/complaints/TS20260101DEADBEEF/appeal', { headers: { 'x-complaint-secret': c.secret }, body: { reason } });
    const without = await appeal({}, { reason });
    const wrong = await appeal({ 'x-complaint-secret': 'not-the-secret' }, { reason });
    expect([unknown.status, without.status, wrong.status]).toEqual([404, 404, 404]);
    expect([without.body, wrong.body]).toEqual([unknown.body, unknown.body]);
    expect((await publicStatus(c.trackingNumber, c.secret)).body).toMatchObject({ status: 'closed', appealOpen: true });

    const appealed = await appeal({ 'x-complaint-secret': c.secret }, { reason });
    expect(appealed.status, JSON.stringify(appealed.body)).toBe(200);
    expect(appealed.body).toMatchObject({ status: 'appealed', appealOpen: false });
    expect((await publicStatus(c.trackingNumber, c.secret)).body.status).toBe('appealed');
  });

  it("shows the handler's answer to an anonymous question on its public status page", async () => {
    const asked = await file({
      kind: 'consultation',
      category: 'certificate_problem',
      description: 'Is a certificate from 2019 still valid for a level 3 post?',
    });
    expect((await publicStatus(asked.trackingNumber, asked.secret)).body).toMatchObject({ status: 'consultation', answer: null });
    const answer = 'Yes: certificates do not expire; an employer may check it with the public certificate check.';
    await act(asked.id, 'answer', 'handler-1', { answer });
    const view = (await publicStatus(asked.trackingNumber, asked.secret)).body;
    expect(view).toMatchObject({ trackingNumber: asked.trackingNumber, status: 'answered', answer });
    // Still nothing about people.
    expect(JSON.stringify(view)).not.toContain('handler-1');
  });
});
