import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionWorkflowId } from '../../workflows/session.messages';
import { licenseStation, qualifyExaminer } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';
import { candidate, day, idNumber, masked, sessionApi } from '../support/sessions';

/**
 * An ended session keeps its whole record (issue 17): once approved and its workflow gone, its answer still holds the
 * visit report, the re-check, the review and each candidate's scores and who entered them, read from MySQL. And a
 * candidate's identity number in clear, only for a supervisor covering the station, each reveal on the session's
 * timeline before the number is shown, whether the workflow runs or has ended.
 */
let h: Harness;
/** admin-1's station: 南海机械厂 in Foshan (440600), licensed for 6-18-01-01 up to level 3. */
let stationId: number;

const { registered, ok, live } = sessionApi(
  () => h,
  () => stationId,
);
const identity = (sessionId: string, candidateId: string, as: string) => h.api('GET', `/v1/sessions/${sessionId}/candidates/${candidateId}/identity`, { as });
const timeline = async (sessionId: string) =>
  (await h.api('GET', `/v1/sessions/${sessionId}/timeline`, { as: 'sup-1' })).body.items as Array<{
    action: string;
    actorId: string;
    actorRole: string;
    statusAfter?: string;
    data?: Record<string, unknown>;
  }>;

beforeAll(async () => {
  h = await startHarness({
    session: { registerDaysAhead: 0, rosterLockBefore: 'PT0S', supervisionShare: 0, supervisorRotation: 2, recheckShare: 0.5 },
  });
  stationId = await licenseStation(h);
  for (const examiner of ['exam-1', 'exam-2']) await qualifyExaminer(h, examiner);
});
afterAll(async () => h?.close());

describe('an approved session', () => {
  it('keeps its visit report, scores, re-check and decision once its workflow has ended, and reveals a number on its stored trail', async () => {
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    const id = await registered({ date: day(0), startsAt: at(20), endsAt: at(25), expectedCandidates: 3 });
    const added = await ok(id, 'candidates', 'admin-1', { candidates: [candidate(51, '陈晨'), candidate(52, '林琳'), candidate(53, '黄河')] });
    const [chen, lin, huang] = added.candidates as Array<{ id: string }>;
    await ok(id, 'quality-supervisor', 'sup-fs', { qualitySupervisorId: 'qs-fs' });
    await eventually(async () => (await live(id)).status === 'scoring', { timeoutMs: 60_000, intervalMs: 500 });

    const report = {
      candidatesPresent: 2,
      identityChecked: true,
      examinersPresent: ['exam-1', 'exam-2'],
      irregularities: [{ kind: '开考延迟', severity: 'minor', note: '开考推迟十分钟' }],
    };
    await ok(id, 'visit-report', 'qs-fs', report);
    await ok(id, 'scores', 'exam-1', {
      entries: [
        { candidateId: chen.id, theory: 82, practical: 75 },
        { candidateId: lin.id, absent: true },
      ],
    });
    await ok(id, 'scores', 'exam-2', { entries: [{ candidateId: huang.id, theory: 55, practical: 71 }] });
    await ok(id, 'practical-confirmations', 'exam-2', { candidateIds: [chen.id] });
    await ok(id, 'practical-confirmations', 'exam-1', { candidateIds: [huang.id] });
    await ok(id, 'submission', 'admin-1');
    const sample = await eventually(async () => {
      const sampled = (await live(id)).recheck.sample as string[];
      return sampled.length ? sampled : undefined;
    });
    const entered = (await live(id)).scores as Record<string, { theory: number | null; practical: number | null }>;
    const recheck = sample.map((candidateId) => ({ candidateId, theory: entered[candidateId].theory, practical: entered[candidateId].practical }));
    await ok(id, 'rechecks', 'rev-2', { entries: recheck });
    await ok(id, 'decision', 'rev-2', { outcome: 'approve', reasons: ['复核一致'] });

    // The workflow ends (once its certificates are issued): from here on only MySQL answers.
    await h.temporal.workflow.getHandle(sessionWorkflowId(id)).result();
    const { body } = await h.api('GET', `/v1/sessions/${id}`, { as: 'sup-1' });
    expect(body.live).toBeNull();
    expect(body.record).toMatchObject({
      status: 'approved',
      visitReport: { ...report, by: 'qs-fs' },
      recheck: {
        sample: expect.arrayContaining(sample),
        entries: Object.fromEntries(recheck.map(({ candidateId, ...e }) => [candidateId, { ...e, by: 'rev-2' }])),
      },
      review: { outcome: 'approve', by: 'rev-2', reasons: ['复核一致'] },
      holdReleased: null,
    });
    const roster = (await h.api('GET', `/v1/sessions/${id}/candidates`, { as: 'sup-1' })).body.items as Array<Record<string, unknown>>;
    expect(roster.map((c) => [c.name, c.absent, c.theory, c.practical, c.passed, c.enteredBy, c.confirmedBy])).toEqual([
      ['陈晨', false, 82, 75, true, 'exam-1', 'exam-2'],
      ['林琳', true, null, null, false, 'exam-1', null],
      ['黄河', false, 55, 71, false, 'exam-2', 'exam-1'],
    ]);

    // A reveal on the ended case: on its stored trail, its status unchanged, the number never on it.
    const revealed = await identity(id, lin.id, 'sup-fs');
    expect(revealed.status, JSON.stringify(revealed.body)).toBe(200);
    expect(revealed.body).toEqual({ candidateId: lin.id, name: '林琳', identityNumber: idNumber(52) });
    const trail = await timeline(id);
    expect(trail.at(-1)).toMatchObject({
      action: 'candidate_identity_revealed',
      actorId: 'sup-fs',
      actorRole: 'supervisor',
      statusAfter: 'approved',
      data: { candidateId: lin.id, name: `林琳 ${masked(idNumber(52))}` },
    });
    expect(JSON.stringify(trail)).not.toContain(idNumber(52));
  });
});

describe("a candidate's identity number", () => {
  let sessionId: string;
  let li: { id: string };
  beforeAll(async () => {
    sessionId = await registered({ date: day(30) });
    [li] = (await ok(sessionId, 'candidates', 'admin-1', { candidates: [candidate(61, '李明')] })).candidates;
  });

  it('is shown to a supervisor covering the station, recorded on the running case before it is shown', async () => {
    const before = (await timeline(sessionId)).length;
    const revealed = await identity(sessionId, li.id, 'sup-fs');
    expect(revealed.status, JSON.stringify(revealed.body)).toBe(200);
    expect(revealed.body.identityNumber).toBe(idNumber(61));
    // Already on the stored trail as the answer comes, and on the live case's.
    const trail = await timeline(sessionId);
    expect(trail).toHaveLength(before + 1);
    expect(trail.at(-1)).toMatchObject({ action: 'candidate_identity_revealed', actorId: 'sup-fs', actorRole: 'supervisor', statusAfter: 'roster_open' });
    expect(trail.at(-1)!.data).toEqual({ candidateId: li.id, name: `李明 ${masked(idNumber(61))}` });
    expect((await live(sessionId)).timeline.at(-1)).toMatchObject({ action: 'candidate_identity_revealed', actorId: 'sup-fs' });
    // Everything else still shows it masked.
    const roster = await h.api('GET', `/v1/sessions/${sessionId}/candidates`, { as: 'sup-fs' });
    expect(roster.body.items[0].maskedId).toBe(masked(idNumber(61)));
    expect(JSON.stringify(roster.body)).not.toContain(idNumber(61));
  });

  it('is refused to a supervisor elsewhere (404), to every other role (403), and for a candidate not on the roster (404)', async () => {
    const before = (await timeline(sessionId)).length;
    expect((await identity(sessionId, li.id, 'sup-fj')).status).toBe(404);
    for (const who of ['admin-1', 'exam-1', 'rev-2', 'qs-fs', 'handler-1']) {
      const res = await identity(sessionId, li.id, who);
      expect(res.status, who).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain(idNumber(61));
    }
    expect((await identity(sessionId, '01ARZ3NDEKTSV4RRFFQ69G5FAV', 'sup-fs')).status).toBe(404);
    // None of these is a reveal.
    expect(await timeline(sessionId)).toHaveLength(before);
  });
});
