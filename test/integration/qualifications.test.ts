import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../support/harness';
import { appraisalSession, licenseStation } from '../support/fixtures';

/** A qualification valid 20 s, reminded 14 s and 8 s before expiry: the production policy's shape in seconds. */
let h: Harness;
let stationId: number;
beforeAll(async () => {
  h = await startHarness({
    qualification: { validity: 'PT20S', reminderOffsets: ['PT14S', 'PT8S'], renewal: { minTrainingHours: 24, minSessions: 0, violationsNeedingSupervisor: 2 } },
    session: { registerDaysAhead: 0 },
  });
  stationId = await licenseStation(h);
});
afterAll(async () => h?.close());

const NATIONAL_ID = '44010619850301123X';
let occupation = 10;
/** Each test its own occupation, so qualifications never collide. */
const nextOccupation = () => `4-07-${String(occupation++).padStart(2, '0')}-01`;

async function admit(examinerId: string, occupationCode = nextOccupation()) {
  const applied = await h.api('POST', '/v1/qualifications', {
    as: examinerId,
    body: { occupationCode, level: 3, trainingHours: 48, examScore: 82, nationalId: NATIONAL_ID },
  });
  expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  expect(applied.body.status).toBe('applied');
  const admitted = await h.api('POST', `/v1/qualifications/${applied.body.id}/admission-decision`, { as: 'rev-2', body: { outcome: 'approve' } });
  expect(admitted.status, JSON.stringify(admitted.body)).toBe(200);
  expect(admitted.body).toMatchObject({ status: 'active', cycle: 1 });
  return admitted.body as { id: string; expiresAt: string; cardNumber: string };
}
const act = (id: string, path: string, as: string, body: unknown) => h.api('POST', `/v1/qualifications/${id}/${path}`, { as, body });
const mailsFor = (id: string, subject: string) => h.mails.filter((m) => m.subject === `Examiner qualification ${id}: ${subject}`);
const examinerStatus = async (id: string) => (await h.api('GET', `/v1/examiners/${id}`, { as: 'sup-1' })).body.status as string;
/**
 * Qualifications here last seconds: a session one allows is held today in China (it must still be valid on the
 * session date), beside exam-2, whose demo qualification makes up the session's second examiner.
 */
const session = (examinerIds: string[]) =>
  appraisalSession({ examinerIds: [...examinerIds, 'exam-2'], date: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) });

describe('examiner qualification', () => {
  it('admits, reminds at each offset exactly once, renews, and runs the next cycle as a new run', async () => {
    const q = await admit('exam-1');
    expect(q.cardNumber).toMatch(/^KP-407\d{4}-3-[0-9A-Z]{8}$/);
    await eventually(async () => mailsFor(q.id, 'admitted').length === 1);
    // Reminders at 6 s and 12 s after admission.
    await eventually(async () => mailsFor(q.id, 'renewal due').length === 2, { timeoutMs: 20_000 });
    const before = await h.temporal.workflow.getHandle(`qualification:${q.id}`).describe();

    expect((await act(q.id, 'renewal', 'exam-1', { trainingHours: 10 })).status).toBe(400);
    const submitted = await act(q.id, 'renewal', 'exam-1', { trainingHours: 30, notes: 'two courses' });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body.renewal).toMatchObject({ trainingHours: 30, violations: 0 });
    const renewed = await act(q.id, 'renewal-decision', 'rev-2', { outcome: 'approve' });
    expect(renewed.body).toMatchObject({ status: 'active', cycle: 2 });
    expect(Date.parse(renewed.body.expiresAt) - Date.parse(q.expiresAt)).toBe(20_000);

    const record = await eventually(async () => {
      const r = (await h.api('GET', `/v1/qualifications/${q.id}`, { as: 'exam-1' })).body;
      return r.record.cycle === 2 && r.live?.cycle === 2 ? r : undefined;
    });
    expect(record.record.status).toBe('active');
    // The next cycle runs as a new run of the same workflow, with a fresh history.
    const after = await eventually(async () => {
      const d = await h.temporal.workflow.getHandle(`qualification:${q.id}`).describe();
      return d.runId !== before.runId ? d : undefined;
    });
    expect(after.status.name).toBe('RUNNING');
    expect(after.historyLength).toBeLessThan(before.historyLength + 10);
    // Still exactly one mail per reminder offset of the first cycle.
    expect(mailsFor(q.id, 'renewal due')).toHaveLength(2);
    await eventually(async () => mailsFor(q.id, 'renewed').length === 1);
  });

  it('returns a renewal for more evidence, then approves it', async () => {
    const q = await admit('exam-1');
    await act(q.id, 'renewal', 'exam-1', { trainingHours: 26 });
    expect((await act(q.id, 'renewal-decision', 'rev-2', { outcome: 'return' })).status).toBe(400);
    const returned = await act(q.id, 'renewal-decision', 'rev-2', { outcome: 'return', reasons: ['attach the training certificates'] });
    expect(returned.body.status).toBe('active');
    await eventually(async () => mailsFor(q.id, 'renewal returned')[0]?.text.includes('attach the training certificates'));
    expect((await act(q.id, 'renewal', 'exam-1', { trainingHours: 26, notes: 'certificates attached' })).status).toBe(200);
    expect((await act(q.id, 'renewal-decision', 'rev-2', { outcome: 'approve' })).body).toMatchObject({ status: 'active', cycle: 2 });
  });

  it('needs a supervisor as well when the period has two violations', async () => {
    const q = await admit('insp-1');
    for (const description of ['late to session 12', 'left the exam room unattended']) {
      expect(
        (await h.api('POST', '/v1/examiners/insp-1/conduct', { as: 'sup-1', body: { kind: 'violation', description, source: 'quality supervisor report' } }))
          .status,
      ).toBe(201);
    }
    const submitted = await act(q.id, 'renewal', 'insp-1', { trainingHours: 30 });
    expect(submitted.body.renewal.violations).toBe(2);
    const byReviewer = await act(q.id, 'renewal-decision', 'rev-2', { outcome: 'approve' });
    expect(byReviewer.body.status).toBe('awaiting_supervisor');
    expect((await act(q.id, 'renewal-decision', 'rev-2', { outcome: 'approve' })).status).toBe(403);
    const bySupervisor = await act(q.id, 'renewal-decision', 'sup-1', { outcome: 'approve' });
    expect(bySupervisor.body).toMatchObject({ status: 'active', cycle: 2 });
  });

  it('lapses at expiry without an approved renewal and leaves the assignment pools at once', async () => {
    // insp-3 holds no other qualification (the demo register has none for them).
    const q = await admit('insp-3');
    expect(await examinerStatus('insp-3')).toBe('active');
    await eventually(async () => (await h.api('GET', `/v1/qualifications/${q.id}`, { as: 'insp-3' })).body.record.status === 'lapsed', { timeoutMs: 35_000 });
    await eventually(async () => mailsFor(q.id, 'lapsed (退出)').length === 1);
    expect((await act(q.id, 'renewal', 'insp-3', { trainingHours: 30 })).status).toBe(409);
    // Their only qualification lapsed: insp-3 may no longer examine a session.
    expect(await examinerStatus('insp-3')).toBe('lapsed');
    const refused = await h.api('POST', `/v1/stations/${stationId}/sessions`, { as: 'admin-1', body: session(['insp-3']) });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('insp-3');
  }, 60_000);

  it('suspends at once, keeps the examiner out of sessions, and reinstates by itself at the end', async () => {
    // In the occupation of the sessions below (the station's licence).
    const q = await admit('insp-3', '6-18-01-01');
    expect((await act(q.id, 'suspension', 'rev-2', { until: new Date(Date.now() + 60_000).toISOString(), reasons: ['x'] })).status).toBe(403);
    const until = new Date(Date.now() + 4000).toISOString();
    const suspended = await act(q.id, 'suspension', 'sup-1', { until, reasons: ['complaint under investigation'] });
    expect(suspended.body.status).toBe('suspended');
    expect(await examinerStatus('insp-3')).toBe('suspended');
    const refused = await h.api('POST', `/v1/stations/${stationId}/sessions`, { as: 'admin-1', body: session(['insp-3']) });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('insp-3');
    expect(refused.body.error.message).toContain('suspended');

    await eventually(async () => (await examinerStatus('insp-3')) === 'active', { timeoutMs: 15_000 });
    const live = (await h.api('GET', `/v1/qualifications/${q.id}`, { as: 'sup-1' })).body.live;
    expect(live.status).toBe('active');
    // The renewal clock paused while suspended: expiry moved on by the suspension's length.
    expect(Date.parse(live.expiresAt)).toBeGreaterThan(Date.parse(q.expiresAt));
    await eventually(async () => mailsFor(q.id, 'reinstated').length === 1);
    const registered = await h.api('POST', `/v1/stations/${stationId}/sessions`, { as: 'admin-1', body: session(['insp-3']) });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  });

  it('revokes with reasons and ends the cycle', async () => {
    const q = await admit('insp-6');
    expect((await act(q.id, 'revocation', 'sup-2', { reasons: [] })).status).toBe(400);
    const revoked = await act(q.id, 'revocation', 'sup-2', { reasons: ['fraudulent appraisal (虚假鉴定) substantiated'] });
    expect(revoked.body.status).toBe('revoked');
    await eventually(async () => (await h.temporal.workflow.getHandle(`qualification:${q.id}`).describe()).status.name === 'COMPLETED');
    expect(await examinerStatus('insp-6')).toBe('revoked');
    expect((await act(q.id, 'renewal', 'insp-6', { trainingHours: 30 })).status).toBe(409);
  });

  it('shows examiners only their own record, with the national id masked', async () => {
    const q = await admit('exam-1');
    const own = await h.api('GET', '/v1/examiners/exam-1', { as: 'exam-1' });
    expect(own.status).toBe(200);
    expect(own.body.nationalId).toBe('440106********123X');
    expect(JSON.stringify(own.body)).not.toContain(NATIONAL_ID);
    expect((await h.api('GET', '/v1/examiners/insp-3', { as: 'exam-1' })).status).toBe(404);
    expect((await h.api('GET', `/v1/qualifications/${q.id}`, { as: 'insp-3' })).status).toBe(404);
    expect((await act(q.id, 'admission-decision', 'exam-1', { outcome: 'approve' })).status).toBe(403);
    const mine = (await h.api('GET', '/v1/qualifications?limit=100', { as: 'insp-3' })).body.items;
    expect(mine.every((r: { examinerId: string }) => r.examinerId === 'insp-3')).toBe(true);
    const expiring = await h.api(
      'GET',
      `/v1/qualifications?status=active&expiresBefore=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
      { as: 'rev-2' },
    );
    expect(expiring.body.items.some((r: { id: string }) => r.id === q.id)).toBe(true);
    expect(
      (
        await h.api('POST', '/v1/qualifications', {
          as: 'exam-1',
          body: { occupationCode: '4-07-99-01', level: 3, trainingHours: 10, examScore: 30, nationalId: 'bad' },
        })
      ).status,
    ).toBe(400);
  });
});
