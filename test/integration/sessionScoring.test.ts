import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { licenseStation, qualifyExaminer } from '../support/fixtures';
import { eventually, startHarness, type ApiResponse, type Harness } from '../support/harness';
import { candidate, day, sessionApi } from '../support/sessions';

/**
 * A session's results through HTTP: two examiners entering scores at once (for different candidates and for the
 * same one), every score landing and each answer the case as that entry left it; the second examiner's
 * confirmation of practical scores (two-person rule) again after a score changes; the results deadline reminding
 * the station and escalating like the other processes (seconds here, days in production); and a complaint naming a
 * session reading its fraud signals among its automatic checks. Sessions are held the same day, a few seconds long.
 */
let h: Harness;
/** admin-1's station: 南海机械厂 in Foshan (440600). */
let stationId: number;
const { registered, act, ok, live } = sessionApi(
  () => h,
  () => stationId,
);

interface Entered {
  absent: boolean;
  theory: number | null;
  practical: number | null;
  by: string;
  confirmedBy?: string;
}
type Scored = { id: string; name: string };

/** The session where both examiners score at once; the one nobody submits in time. */
let busy: { id: string; candidates: Scored[] };
let late: { id: string; candidates: Scored[] };

/** A session held from a few seconds from now, with its roster, waited on until scoring opens. */
async function heldSession(examinerIds: string[], names: string[], first: number): Promise<{ id: string; candidates: Scored[] }> {
  const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
  const id = await registered({ date: day(0), startsAt: at(10), endsAt: at(12), examinerIds, expectedCandidates: names.length });
  const added = await ok(id, 'candidates', 'admin-1', { candidates: names.map((name, i) => candidate(first + i, name)) });
  return { id, candidates: added.candidates as Scored[] };
}
const untilScoring = (id: string) => eventually(async () => (await live(id)).status === 'scoring', { timeoutMs: 60_000, intervalMs: 500 });
const scoresOf = (res: ApiResponse) => res.body.scores as Record<string, Entered>;

beforeAll(async () => {
  h = await startHarness({
    session: {
      registerDaysAhead: 0,
      rosterLockBefore: 'PT0S',
      supervisionShare: 0,
      recheckShare: 0.5,
      deadlines: { resultsSubmission: 'PT4S', review: 'PT60S' },
      escalation: { dutyMailbox: 'duty@hrss.example', maxLevel: 2 },
    },
  });
  stationId = await licenseStation(h);
  for (const examiner of ['exam-1', 'exam-2', 'insp-1', 'insp-3']) await qualifyExaminer(h, examiner);
  // Both sessions are held at once, so their waits for the session's end overlap.
  [busy, late] = await Promise.all([
    heldSession(['exam-1', 'insp-1'], ['陈晨', '林琳', '黄河', '郭靖', '杨过', '小龙女'], 101),
    heldSession(['exam-2', 'insp-3'], ['段誉'], 201),
  ]);
  await Promise.all([untilScoring(busy.id), untilScoring(late.id)]);
});
afterAll(async () => h?.close());

describe('two examiners entering scores at once', () => {
  it('lands every score when each examiner enters their own candidates at the same moment, each answer the case as that entry left it', async () => {
    const [mine, theirs] = [busy.candidates.slice(0, 3), busy.candidates.slice(3)];
    // One request per candidate, all six at once: exam-1 the first three, insp-1 the others.
    const wanted = new Map(busy.candidates.map((c, i) => [c.id, { theory: 70 + i, practical: 80 + i }]));
    const requests = [...mine.map((c) => ['exam-1', c] as const), ...theirs.map((c) => ['insp-1', c] as const)];
    const answers = await Promise.all(
      requests.map(([examiner, c]) => act(busy.id, 'scores', examiner, { entries: [{ candidateId: c.id, ...wanted.get(c.id)! }] })),
    );
    for (const res of answers) expect(res.status, JSON.stringify(res.body)).toBe(200);

    // Applied one after another: each answer holds its own entry, and every answer a different version.
    requests.forEach(([examiner, c], i) => expect(scoresOf(answers[i])[c.id]).toMatchObject({ ...wanted.get(c.id), by: examiner, absent: false }));
    const versions = answers.map((res) => res.body.version as number);
    expect(new Set(versions).size).toBe(answers.length);
    // The last applied saw all six; each answer saw exactly the entries applied up to it.
    const byVersion = [...answers].sort((a, b) => a.body.version - b.body.version);
    byVersion.forEach((res, i) => expect(Object.keys(scoresOf(res))).toHaveLength(i + 1));

    const state = await live(busy.id);
    expect(state.version).toBeGreaterThanOrEqual(Math.max(...versions));
    expect(Object.keys(state.scores).sort()).toEqual([...wanted.keys()].sort());
    for (const [examiner, c] of requests) expect(state.scores[c.id]).toMatchObject({ ...wanted.get(c.id), by: examiner });
    const timeline = (await h.api('GET', `/v1/sessions/${busy.id}/timeline`, { as: 'sup-1' })).body.items as Array<{ action: string; actorId: string }>;
    expect(
      timeline
        .filter((e) => e.action === 'scores_entered')
        .map((e) => e.actorId)
        .sort(),
    ).toEqual(['exam-1', 'exam-1', 'exam-1', 'insp-1', 'insp-1', 'insp-1']);
    // The stored roster holds the same results.
    const roster = (await h.api('GET', `/v1/sessions/${busy.id}/candidates`, { as: 'admin-1' })).body.items as Array<{
      id: string;
      theory: number;
      practical: number;
    }>;
    expect(roster.map((c) => [c.id, c.theory, c.practical])).toEqual(busy.candidates.map((c) => [c.id, wanted.get(c.id)!.theory, wanted.get(c.id)!.practical]));
  });

  it('keeps the entry applied last when both examiners score the same candidate at once, and both entries on the timeline', async () => {
    const target = busy.candidates[0];
    const [fromExam, fromInsp] = await Promise.all([
      act(busy.id, 'scores', 'exam-1', { entries: [{ candidateId: target.id, theory: 61, practical: 62 }] }),
      act(busy.id, 'scores', 'insp-1', { entries: [{ candidateId: target.id, theory: 91, practical: 92 }] }),
    ]);
    expect([fromExam.status, fromInsp.status], JSON.stringify([fromExam.body, fromInsp.body])).toEqual([200, 200]);
    expect(scoresOf(fromExam)[target.id]).toMatchObject({ theory: 61, practical: 62, by: 'exam-1' });
    expect(scoresOf(fromInsp)[target.id]).toMatchObject({ theory: 91, practical: 92, by: 'insp-1' });
    expect(fromExam.body.version).not.toBe(fromInsp.body.version);

    // What stands is the answer with the later version, in the case and in the stored roster alike.
    const last = fromExam.body.version > fromInsp.body.version ? scoresOf(fromExam)[target.id] : scoresOf(fromInsp)[target.id];
    expect((await live(busy.id)).scores[target.id]).toEqual(last);
    const stored = await eventually(async () => {
      const items = (await h.api('GET', `/v1/sessions/${busy.id}/candidates`, { as: 'admin-1' })).body.items as Array<{ id: string; theory: number }>;
      return items.find((c) => c.id === target.id && c.theory === last.theory);
    });
    expect(stored).toMatchObject({ theory: last.theory, practical: last.practical });
    const entries = (await h.api('GET', `/v1/sessions/${busy.id}/timeline`, { as: 'sup-1' })).body.items.filter(
      (e: { action: string }) => e.action === 'scores_entered',
    );
    expect(entries).toHaveLength(8);
  });
});

describe('the second examiner (two-person rule)', () => {
  it('confirms practical scores by an examiner who did not enter them, and again after a confirmed score changes', async () => {
    const state = await live(busy.id);
    const byExaminer = (examiner: string) => busy.candidates.filter((c) => (state.scores[c.id] as Entered).by === examiner).map((c) => c.id);
    const [examEntered, inspEntered] = [byExaminer('exam-1'), byExaminer('insp-1')];
    expect(examEntered.length + inspEntered.length).toBe(busy.candidates.length);

    // Nobody confirms their own entry, nor a score not entered.
    expect((await act(busy.id, 'practical-confirmations', 'insp-1', { candidateIds: inspEntered })).status).toBe(403);
    expect((await act(busy.id, 'practical-confirmations', 'exam-1', { candidateIds: ['01ARZ3NDEKTSV4RRFFQ69G5FAV'] })).status).toBe(400);
    // Both confirm the other's at once; each confirmation lands.
    const confirmations = await Promise.all([
      act(busy.id, 'practical-confirmations', 'insp-1', { candidateIds: examEntered }),
      act(busy.id, 'practical-confirmations', 'exam-1', { candidateIds: inspEntered }),
    ]);
    for (const res of confirmations) expect(res.status, JSON.stringify(res.body)).toBe(200);
    const confirmed = (await live(busy.id)).scores as Record<string, Entered>;
    for (const id of examEntered) expect(confirmed[id].confirmedBy).toBe('insp-1');
    for (const id of inspEntered) expect(confirmed[id].confirmedBy).toBe('exam-1');

    // A changed score is a new entry: its practical part waits for a second examiner again, and the station cannot submit.
    const changed = busy.candidates[1];
    const enteredBy = confirmed[changed.id].by;
    const reentered = await ok(busy.id, 'scores', enteredBy, { entries: [{ candidateId: changed.id, theory: 75, practical: 58 }] });
    expect(reentered.scores[changed.id].confirmedBy).toBeUndefined();
    const refused = await act(busy.id, 'submission', 'admin-1');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain(changed.name);
    const second = enteredBy === 'exam-1' ? 'insp-1' : 'exam-1';
    await ok(busy.id, 'practical-confirmations', second, { candidateIds: [changed.id] });

    const submitted = await ok(busy.id, 'submission', 'admin-1');
    expect(submitted).toMatchObject({ status: 'under_review', signals: [] });
  });
});

describe('the results deadline', () => {
  it('reminds the station and escalates when nobody submits the results in time, and still takes them late', async () => {
    const timelineOf = async () =>
      (await h.api('GET', `/v1/sessions/${late.id}/timeline`, { as: 'sup-1' })).body.items as Array<{ action: string; actorId: string; data?: any }>;
    const missed = await eventually(async () => {
      const items = (await timelineOf()).filter((e) => e.action === 'deadline_missed');
      return items.length >= 2 ? items : undefined;
    });
    expect(missed.map((e) => e.data.escalationLevel).slice(0, 2)).toEqual([1, 2]);
    expect(missed[0]).toMatchObject({ actorId: 'system', data: { action: 'submitResults', holders: ['admin-1'] } });
    const record = (await h.api('GET', `/v1/sessions/${late.id}`, { as: 'sup-1' })).body.record;
    expect(record.pending).toMatchObject({ action: 'submitResults' });
    expect(record.pending.escalationLevel).toBeGreaterThanOrEqual(2);

    // The station's administrator is reminded; the escalation climbs from the city's supervisors upwards.
    const forCase = () => h.mails.filter((m) => m.subject.includes(late.id));
    const escalations = await eventually(async () => {
      const sent = forCase().filter((m) => m.subject.startsWith('Escalation'));
      return sent.length >= 2 ? sent : undefined;
    });
    expect(forCase().find((m) => m.subject.startsWith('Reminder'))?.to).toEqual(['station-admin@nanhai-machinery.example']);
    expect(escalations.find((m) => m.subject.startsWith('Escalation (level 1)'))?.to).toEqual(['qiu.lan@fs.hrss.example']);
    expect(escalations.find((m) => m.subject.startsWith('Escalation (level 2)'))?.to).toEqual(['ou.yang@gd.hrss.example']);
    // Nobody in Xiamen hears of a Foshan session.
    expect(forCase().some((m) => m.to.some((to) => to.includes('xm.hrss')))).toBe(false);

    // Late, the results are still taken; the review has a deadline of its own.
    const [duan] = late.candidates;
    await ok(late.id, 'scores', 'exam-2', { entries: [{ candidateId: duan.id, theory: 88, practical: 86 }] });
    await ok(late.id, 'practical-confirmations', 'insp-3', { candidateIds: [duan.id] });
    const submitted = await ok(late.id, 'submission', 'admin-1');
    expect(submitted).toMatchObject({ status: 'under_review', pending: { action: 'decide', escalationLevel: 0 } });
  });
});

describe('a complaint naming a session', () => {
  /** A complaint triaged by a handler naming the session: its automatic checks, once recorded. */
  async function checksOf(complaintId: string, sessionId: string) {
    const triaged = await h.api('POST', `/v1/complaints/${complaintId}/triage`, {
      as: 'handler-1',
      body: { category: 'fraudulent_appraisal', severity: 'serious', stationId, sessionId },
    });
    expect(triaged.status, JSON.stringify(triaged.body)).toBe(200);
    return eventually(async () => {
      const state = (await h.api('GET', `/v1/complaints/${complaintId}`, { as: 'handler-1' })).body.live;
      return state?.facts.length ? (state.facts as Array<{ check: string; result: boolean; detail: string }>) : undefined;
    });
  }

  it("reads the session's fraud signals among its automatic checks: found where the session recorded some, clear where it did not", async () => {
    // Clean results (the first session): a complainant's report finds no signal recorded.
    const filed = await h.api('POST', '/v1/public/complaints', {
      body: {
        category: 'fraudulent_appraisal',
        stationId,
        sessionId: busy.id,
        happenedOn: day(0),
        description: '考生反映本场次存在代考现象，请核查。',
        contact: { name: '陆欣', email: 'lu.xin@mail.example' },
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const publicId = await eventually(
      async () => (await h.db('complaints').where({ tracking_number: filed.body.trackingNumber }).first('id'))?.id as string | undefined,
    );
    expect((await checksOf(publicId, busy.id)).find((f) => f.check === 'fraud_signals')).toEqual({
      check: 'fraud_signals',
      result: false,
      detail: `session ${busy.id}: no fraud signals recorded`,
    });

    // Results for someone not on the roster (a serious signal): the session opens a complaint by itself, whose checks find it.
    const returned = await ok(late.id, 'decision', 'rev-2', { outcome: 'return', reasons: ['补录缺考人员'] });
    expect(returned.status).toBe('scoring');
    await ok(late.id, 'scores', 'exam-2', { entries: [{ candidateId: 'not-on-the-roster', theory: 90, practical: 90 }] });
    const submitted = await ok(late.id, 'submission', 'admin-1');
    expect(submitted.signals).toEqual([{ rule: 'not_on_roster', serious: true, facts: { entries: 1 } }]);
    const opened = await eventually(async () => ((await live(late.id)).complaintId as string | undefined) ?? undefined, { timeoutMs: 30_000 });
    expect((await checksOf(opened, late.id)).find((f) => f.check === 'fraud_signals')).toEqual({
      check: 'fraud_signals',
      result: true,
      detail: `session ${late.id}: fraud signals not_on_roster (serious)`,
    });
  });
});
