import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStarterActivities } from '../../activities/starter';
import { recentPassHashes, stationPassRate } from '../../db/queries/sessions';
import { upsertUsers } from '../../db/queries/users';
import { ROSTER_COLUMNS } from '../../domain/roster';
import { createSealer } from '../../platform/sealing';
import { sessionWorkflowId } from '../../workflows/session.messages';
import { appraisalSession, licenseStation, qualifyExaminer } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';
import { candidate, codes, day, idNumber, masked, sessionApi } from '../support/sessions';
import { expectNoDrift } from '../support/statistics';

/**
 * Appraisal sessions (鉴定场次) as cases through HTTP: registration's refusals under the session policy, the
 * real-name roster (实名制) singly and as CSV with every bad row reported, the same person refused on two sessions
 * the same day, identity numbers never in clear in answers or workflow history, quality-supervisor dispatch with
 * recusal and rotation, and one session from registration to approved results. The policy registers sessions the
 * same day and locks the roster as the session begins, so the session of the whole path starts and ends within the
 * run (its own times); the others lie days ahead.
 */
let h: Harness;
/** admin-1's station: 南海机械厂 in Foshan (440600), affiliated with 南海机械厂培训中心, licensed for 6-18-01-01 up to level 3. */
let stationId: number;

const { register, registered, act, ok, live } = sessionApi(
  () => h,
  () => stationId,
);
const rosterCsv = (...rows: string[][]) => [ROSTER_COLUMNS.join(','), ...rows.map((cells) => cells.join(','))].join('\r\n');

/** Every text a workflow's history holds, its payloads decoded (they are JSON in base64 on the wire). */
async function historyText(workflowId: string): Promise<string> {
  const history = await h.temporal.workflow.getHandle(workflowId).fetchHistory();
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (value instanceof Uint8Array) texts.push(Buffer.from(value).toString('utf8'));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    else if (typeof value === 'string') texts.push(value);
  };
  walk(history);
  return texts.join('\n');
}

beforeAll(async () => {
  h = await startHarness({
    session: { registerDaysAhead: 0, rosterLockBefore: 'PT0S', supervisionShare: 0, supervisorRotation: 2, recheckShare: 0.5 },
  });
  stationId = await licenseStation(h);
  // Qualified for the occupation at level 3 or higher: a second pair of examiners for sessions held the same day.
  for (const examiner of ['exam-1', 'exam-2', 'insp-1', 'insp-3']) await qualifyExaminer(h, examiner);
  // A quality supervisor of the station's declared affiliation: recused.
  await upsertUsers(h.db, [
    {
      id: 'qs-nanhai',
      name: '梁静',
      email: 'liang.jing@nanhai-training.example',
      roles: ['quality_supervisor'],
      organisation: '南海机械厂培训中心',
      affiliations: [],
      jurisdictions: ['440600'],
    },
  ]);
});
afterAll(async () => h?.close());

describe('registration under the session policy', () => {
  it('refuses a session registered too late, with too few examiners, or with an examiner at another session at an overlapping time', async () => {
    const tooLate = await register(appraisalSession({ date: day(-1) }));
    expect(tooLate.status, JSON.stringify(tooLate.body)).toBe(400);
    expect(codes(tooLate)).toEqual([['date', 'too_late']]);

    // Two examiners for 40 candidates, at one per 15.
    const tooFew = await register(appraisalSession({ date: day(20), expectedCandidates: 40 }));
    expect(tooFew.status, JSON.stringify(tooFew.body)).toBe(400);
    expect(codes(tooFew)).toEqual([['examinerIds', 'too_few_examiners']]);
    expect(tooFew.body.error.message).toContain('at least 3 examiners');

    await registered({ date: day(20) });
    const busy = await register(appraisalSession({ date: day(20), examinerIds: ['exam-1', 'insp-1'] }));
    expect(busy.status, JSON.stringify(busy.body)).toBe(400);
    expect(codes(busy)).toEqual([['examinerIds', 'examiner_busy']]);
    expect(busy.body.error.message).toContain('exam-1');
    expect(busy.body.error.message).not.toContain('insp-1');
    // Another day, or other examiners the same day, are free.
    await registered({ date: day(21) });
    await registered({ date: day(20), examinerIds: ['insp-1', 'insp-3'] });
  });

  it('starts the session as a case once, however often the registration is retried', async () => {
    const body = appraisalSession({ date: day(22) });
    const first = await register(body, 'register-once');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await register(body, 'register-once');
    expect(again.status).toBe(201);
    expect(again.body.sessionId).toBe(first.body.sessionId);
    const id = first.body.sessionId as string;
    expect(first.body).toMatchObject({ id, status: 'roster_open', pending: { action: 'addCandidates', role: 'station_admin', userIds: ['admin-1'] } });
    expect((await h.db('appraisal_sessions').where({ id })).length).toBe(1);
    const view = await h.api('GET', `/v1/sessions/${id}`, { as: 'admin-1' });
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    expect(view.body.record).toMatchObject({ id, stationId, status: 'roster_open', date: day(22), examinerIds: ['exam-1', 'exam-2'] });
    expect(view.body.live.examiners.map((p: { id: string }) => p.id)).toEqual(['exam-1', 'exam-2']);
  });
});

describe('the real-name roster', () => {
  let sessionId: string;
  beforeAll(async () => {
    sessionId = await registered({ date: day(30) });
  });

  it('takes candidates singly and as a file, masked everywhere, the numbers sealed apart', async () => {
    const one = await ok(sessionId, 'candidates', 'admin-1', { candidates: [candidate(1, '李明')] });
    expect(one.candidates).toEqual([
      expect.objectContaining({ name: '李明', maskedId: masked(idNumber(1)), occupationCode: '6-18-01-01', level: 3, organisation: '佛山市顺德精工有限公司' }),
    ]);
    const file = rosterCsv(['王芳', idNumber(2).toLowerCase(), '6-18-01-01', '3'], ['张伟', idNumber(3), '6-18-01-01', '3']);
    const two = await ok(sessionId, 'candidates', 'admin-1', { csv: file });
    expect(two.candidates.map((c: { name: string }) => c.name)).toEqual(['李明', '王芳', '张伟']);
    expect(two.timeline.at(-1)).toMatchObject({ action: 'candidates_added', data: { count: 2 } });

    const roster = await h.api('GET', `/v1/sessions/${sessionId}/candidates`, { as: 'sup-1' });
    expect(roster.status).toBe(200);
    expect(roster.body.items.map((c: { maskedId: string }) => c.maskedId)).toEqual([1, 2, 3].map((n) => masked(idNumber(n))));

    // Each number sealed once, under the deployment's key, by its keyed hash.
    const sealer = createSealer(h.config.sealingKey);
    const hashes = two.candidates.map((c: { idHash: string }) => c.idHash);
    const sealed = await h.db('candidate_identities').whereIn('id_hash', hashes);
    expect(sealed.map((r) => sealer.unseal<string>(r.sealed)).sort()).toEqual([1, 2, 3].map(idNumber).sort());
  });

  it('reports every bad row of a file with its reasons, masked, and adds nobody from it', async () => {
    const badCheck = idNumber(4).slice(0, 17) + (idNumber(4).endsWith('0') ? '1' : '0');
    const file = rosterCsv(
      ['赵磊', idNumber(5), '6-18-01-01', '3'],
      ['钱进', badCheck, '6-18-01-01', '3'],
      ['孙悦', idNumber(6), '6-18-02-04', '2'],
      ['赵磊', idNumber(5), '6-18-01-01', '3'],
    );
    const res = await act(sessionId, 'candidates', 'admin-1', { csv: file });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(codes(res)).toEqual([
      ['csv.3', 'identity_check_digit'],
      ['csv.4', 'occupation_mismatch'],
      ['csv.4', 'level_mismatch'],
      ['csv.5', 'duplicate_in_file'],
    ]);
    expect(res.body.error.details[0].message).toContain(masked(badCheck));
    expect(JSON.stringify(res.body)).not.toContain(badCheck);
    expect(JSON.stringify(res.body)).not.toContain(idNumber(5));
    // Entered singly, the same rules: each bad entry by its place in the list.
    const single = await act(sessionId, 'candidates', 'admin-1', { candidates: [candidate(7, '周洁'), candidate(8, '吴昊', { level: 2 })] });
    expect(single.status).toBe(400);
    expect(codes(single)).toEqual([['candidates.1', 'level_mismatch']]);
    expect((await live(sessionId)).candidates).toHaveLength(3);
    // A header that is not the roster's refuses the file as a whole.
    const noHeader = await act(sessionId, 'candidates', 'admin-1', { csv: `姓名,身份证号\r\n赵磊,${idNumber(5)}` });
    expect(noHeader.status).toBe(400);
    expect(codes(noHeader)).toEqual([['csv', 'roster_file']]);
  });

  it('refuses a person already on this roster, or on another session the same day, and takes them back once removed there', async () => {
    const again = await act(sessionId, 'candidates', 'admin-1', { candidates: [candidate(1, '李明')] });
    expect(again.status).toBe(400);
    expect(codes(again)).toEqual([['candidates', 'already_rostered']]);

    const sameDay = await registered({ date: day(30), examinerIds: ['insp-1', 'insp-3'] });
    const overlapping = await act(sameDay, 'candidates', 'admin-1', { candidates: [candidate(9, '郑好'), candidate(2, '王芳')] });
    expect(overlapping.status, JSON.stringify(overlapping.body)).toBe(400);
    expect(codes(overlapping)).toEqual([['candidates', 'overlapping_session']]);
    expect(overlapping.body.error.message).toContain(masked(idNumber(2)));

    const wang = (await live(sessionId)).candidates.find((c: { name: string }) => c.name === '王芳');
    await ok(sessionId, 'candidates/removal', 'admin-1', { candidateId: wang.id, reason: '考生改报其他场次' });
    const moved = await ok(sameDay, 'candidates', 'admin-1', { candidates: [candidate(2, '王芳')] });
    expect(moved.candidates).toHaveLength(1);
    expect((await h.api('GET', `/v1/sessions/${sessionId}/candidates`, { as: 'admin-1' })).body.items).toHaveLength(2);
  });

  it('never holds an identity number in clear: not in answers, the register, the timeline or the workflow history', async () => {
    const numbers = [1, 2, 3].map(idNumber);
    const answers = await Promise.all([
      h.api('GET', `/v1/sessions/${sessionId}`, { as: 'sup-1' }),
      h.api('GET', `/v1/sessions/${sessionId}/candidates`, { as: 'sup-1' }),
      h.api('GET', `/v1/sessions/${sessionId}/timeline`, { as: 'sup-1' }),
      h.api('GET', `/v1/sessions?stationId=${stationId}`, { as: 'sup-1' }),
    ]);
    const history = await historyText(sessionWorkflowId(sessionId));
    // The history does hold the candidates, masked: the search looks where the numbers would be.
    expect(history).toContain(masked(idNumber(1)));
    for (const text of [...answers.map((a) => JSON.stringify(a.body)), history]) {
      for (const number of numbers) {
        expect(text).not.toContain(number);
        expect(text).not.toContain(number.toLowerCase());
      }
    }
  });

  it("keeps the roster to the station's administrator and the session to those who take part in it", async () => {
    expect((await act(sessionId, 'candidates', 'exam-1', { candidates: [candidate(10, '冯雪')] })).status).toBe(403);
    for (const who of ['admin-2', 'sup-xm', 'qs-1']) expect((await h.api('GET', `/v1/sessions/${sessionId}`, { as: who })).status, who).toBe(404);
    for (const who of ['admin-1', 'sup-fs', 'sup-gd', 'rev-2', 'exam-1'])
      expect((await h.api('GET', `/v1/sessions/${sessionId}`, { as: who })).status, who).toBe(200);
    const listed = await h.api('GET', `/v1/sessions?dateFrom=${day(30)}&dateTo=${day(30)}`, { as: 'exam-1' });
    expect(listed.body.items.map((s: { id: string }) => s.id)).toEqual([sessionId]);
  });
});

describe('quality supervision', () => {
  it("dispatches a quality supervisor where the station is, not one of its own and not the last sessions' one", async () => {
    const earlier = await registered({ date: day(40) });
    const later = await registered({ date: day(41) });
    const dispatch = (id: string, qualitySupervisorId: string) => act(id, 'quality-supervisor', 'sup-fs', { qualitySupervisorId });

    const recused = await dispatch(earlier, 'qs-nanhai');
    expect(recused.status, JSON.stringify(recused.body)).toBe(409);
    expect(codes(recused)).toEqual([['qualitySupervisorId', 'recusal']]);
    const outside = await dispatch(earlier, 'qs-xm');
    expect(outside.status).toBe(409);
    expect(codes(outside)).toEqual([['qualitySupervisorId', 'outside_jurisdiction']]);
    expect(codes(await dispatch(earlier, 'exam-1'))).toEqual([['qualitySupervisorId', 'not_quality_supervisor']]);

    const sent = await ok(earlier, 'quality-supervisor', 'sup-fs', { qualitySupervisorId: 'qs-fs' });
    expect(sent.qualitySupervisor).toMatchObject({ id: 'qs-fs' });
    await eventually(async () => h.mails.find((m) => m.to.includes('cai.hong@fs-quality.example') && m.subject.includes('质量督导派遣')));
    // The dispatched supervisor now sees the session.
    expect((await h.api('GET', `/v1/sessions/${earlier}`, { as: 'qs-fs' })).status).toBe(200);

    // Rotation: not the supervisor of one of the station's last two sessions.
    const rotated = await dispatch(later, 'qs-fs');
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(400);
    expect(codes(rotated)).toEqual([['qualitySupervisorId', 'rotation']]);
    expect((await ok(later, 'quality-supervisor', 'sup-fs', { qualitySupervisorId: 'qs-1' })).qualitySupervisor.id).toBe('qs-1');
    const record = (await h.api('GET', `/v1/sessions/${later}`, { as: 'sup-1' })).body.record;
    expect(record.qualitySupervisorId).toBe('qs-1');
  });
});

describe('a session from registration to approved results', () => {
  it('locks its roster as it begins, then takes the scores, the visit report, the submission, the re-check and the approval', async () => {
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    const id = await registered({ date: day(0), startsAt: at(20), endsAt: at(25), examinerIds: ['exam-1', 'insp-1'], expectedCandidates: 4 });
    const added = await ok(id, 'candidates', 'admin-1', {
      candidates: [candidate(21, '陈晨'), candidate(22, '林琳'), candidate(23, '黄河'), candidate(24, '郭靖', { organisation: '南海机械厂' })],
    });
    const [chen, lin, huang, guo] = added.candidates as Array<{ id: string }>;
    await ok(id, 'quality-supervisor', 'sup-fs', { qualitySupervisorId: 'qs-fs' });
    // Scores wait for the session to end.
    expect((await act(id, 'scores', 'exam-1', { entries: [{ candidateId: chen.id, theory: 80, practical: 80 }] })).status).toBe(409);

    await eventually(async () => (await live(id)).status === 'scoring', { timeoutMs: 60_000, intervalMs: 500 });
    // The live case moves to scoring before its activity writes the event, so the timeline may follow a moment later.
    const timeline = await eventually(async () => {
      const actions = (await h.api('GET', `/v1/sessions/${id}/timeline`, { as: 'sup-1' })).body.items.map((e: { action: string }) => e.action);
      return actions.includes('session_ended') ? actions : undefined;
    });
    expect(timeline).toEqual(
      expect.arrayContaining(['session_registered', 'candidates_added', 'quality_supervisor_dispatched', 'roster_locked', 'session_ended']),
    );
    const late = await act(id, 'candidates', 'admin-1', { candidates: [candidate(25, '冯雪')] });
    expect(late.status).toBe(409);

    await ok(id, 'visit-report', 'qs-fs', {
      candidatesPresent: 3,
      identityChecked: true,
      examinersPresent: ['exam-1', 'insp-1'],
      irregularities: [{ kind: '开考延迟', severity: 'minor', note: '开考推迟十分钟' }],
    });
    // An examiner of 南海机械厂 does not score its employee (回避).
    expect((await act(id, 'scores', 'exam-1', { entries: [{ candidateId: guo.id, theory: 70, practical: 70 }] })).status).toBe(403);
    await ok(id, 'scores', 'exam-1', {
      entries: [
        { candidateId: chen.id, theory: 82, practical: 75 },
        { candidateId: lin.id, theory: 66, practical: 90 },
        { candidateId: huang.id, absent: true },
      ],
    });
    await ok(id, 'scores', 'insp-1', { entries: [{ candidateId: guo.id, theory: 55, practical: 71 }] });
    // Two-person rule: every practical score confirmed by an examiner who did not enter it.
    expect((await act(id, 'submission', 'admin-1')).status).toBe(409);
    expect((await act(id, 'practical-confirmations', 'exam-1', { candidateIds: [chen.id] })).status).toBe(403);
    await ok(id, 'practical-confirmations', 'insp-1', { candidateIds: [chen.id, lin.id] });
    await ok(id, 'practical-confirmations', 'exam-1', { candidateIds: [guo.id] });

    const submitted = await ok(id, 'submission', 'admin-1');
    expect(submitted).toMatchObject({ status: 'under_review', signals: [] });
    const sample = await eventually(async () => {
      const sampled = (await live(id)).recheck.sample as string[];
      return sampled.length ? sampled : undefined;
    });
    expect(sample).toHaveLength(2);
    const entered = (await live(id)).scores as Record<string, { theory: number | null; practical: number | null }>;
    expect((await act(id, 'decision', 'rev-2', { outcome: 'approve' })).status).toBe(409);
    await ok(id, 'rechecks', 'rev-2', {
      entries: sample.map((candidateId) => ({ candidateId, theory: entered[candidateId].theory, practical: entered[candidateId].practical })),
    });
    const approved = await ok(id, 'decision', 'rev-2', { outcome: 'approve', reasons: ['复核一致'] });
    expect(approved).toMatchObject({ status: 'approved', pending: null });
    expect([...approved.passed].sort()).toEqual([chen.id, lin.id].sort());

    const record = await eventually(async () => {
      const r = (await h.api('GET', `/v1/sessions/${id}`, { as: 'sup-1' })).body;
      return r.record.status === 'approved' ? r : undefined;
    });
    expect(record).toMatchObject({ live: null, record: { candidates: 4, passed: 2, qualitySupervisorId: 'qs-fs', signals: [] } });
    const roster = (await h.api('GET', `/v1/sessions/${id}/candidates`, { as: 'admin-1' })).body.items as Array<{
      name: string;
      passed: boolean;
      absent: boolean;
    }>;
    expect(roster.map((c) => [c.name, c.passed, c.absent])).toEqual([
      ['陈晨', true, false],
      ['林琳', true, false],
      ['黄河', false, true],
      ['郭靖', false, false],
    ]);
    const listed = await h.api('GET', `/v1/sessions?status=approved&occupationCode=6-18-01-01&signals=none`, { as: 'sup-gd' });
    expect(listed.body.items.map((s: { id: string }) => s.id)).toEqual([id]);
    // Ended: no more actions.
    expect((await act(id, 'cancellation', 'admin-1', { reason: '不再需要' })).status).toBe(409);

    // What the next submission's fraud signals compare against: the station's rate (2 passed of 3 present), and
    // who on a later roster passed this occupation and level here.
    const next = await registered({ date: day(50) });
    await ok(next, 'candidates', 'admin-1', { candidates: [candidate(21, '陈晨'), candidate(31, '何平')] });
    expect(await stationPassRate(h.db, stationId, next)).toBeCloseTo(2 / 3);
    const repeats = await recentPassHashes(h.db, { sessionId: next, occupationCode: '6-18-01-01', level: 3, since: day(-365) });
    expect(repeats).toEqual([(added.candidates as Array<{ idHash: string }>)[0].idHash]);
    expect(await recentPassHashes(h.db, { sessionId: next, occupationCode: '6-18-01-01', level: 2, since: day(-365) })).toEqual([]);
  });
});

describe('a session made to look fraudulent (虚假鉴定)', () => {
  it('holds approval and opens one complaint case by itself, which brings the station forward for inspection', async () => {
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    const dueBefore = (await h.db('stations').where({ id: stationId }).first('next_inspection_due_at')).next_inspection_due_at as Date;
    const id = await registered({ date: day(0), startsAt: at(15), endsAt: at(20), examinerIds: ['exam-2', 'insp-3'], expectedCandidates: 3 });
    const added = await ok(id, 'candidates', 'admin-1', { candidates: [candidate(41, '赵敏'), candidate(42, '周芷若'), candidate(43, '殷离')] });
    const ids = (added.candidates as Array<{ id: string }>).map((c) => c.id);
    await ok(id, 'quality-supervisor', 'sup-fs', { qualitySupervisorId: 'qs-1' });
    await eventually(async () => (await live(id)).status === 'scoring', { timeoutMs: 60_000, intervalMs: 500 });

    // The supervisor saw one candidate; the results pass all three.
    await ok(id, 'visit-report', 'qs-1', { candidatesPresent: 1, identityChecked: true, examinersPresent: ['exam-2'], irregularities: [] });
    await ok(id, 'scores', 'exam-2', { entries: ids.map((candidateId) => ({ candidateId, theory: 90, practical: 90 })) });
    await ok(id, 'practical-confirmations', 'insp-3', { candidateIds: ids });
    const submitted = await ok(id, 'submission', 'admin-1');
    // Serious: more passes than the supervisor saw present. Minor: all passed, above the station's own rate (2 of 3 before).
    expect(submitted.signals).toEqual([
      { rule: 'more_passes_than_present', serious: true, facts: { passed: 3, presentReported: 1 } },
      { rule: 'above_station_rate', serious: false, facts: { rate: 1, stationRate: 0.667, margin: 0.3 } },
    ]);

    // The complaint is opened once, by the system, with the facts; the station's next inspection comes closer.
    const opened = await eventually(async () => ((await live(id)).complaintId as string | undefined) ?? undefined, { timeoutMs: 30_000 });
    const complaints = await h.db('complaints').where({ station_id: stationId, category: 'fraudulent_appraisal' }).select('id', 'anonymous');
    expect(complaints).toEqual([{ id: opened, anonymous: 1 }]);
    const complaint = await eventually(async () => {
      const res = await h.api('GET', `/v1/complaints/${opened}`, { as: 'handler-1' });
      return res.status === 200 ? res.body : undefined;
    });
    expect(complaint.record).toMatchObject({ category: 'fraudulent_appraisal', stationId });
    const trail = (await h.api('GET', `/v1/sessions/${id}/timeline`, { as: 'sup-1' })).body.items as Array<{ action: string; data?: Record<string, unknown> }>;
    expect(trail.find((e) => e.action === 'complaint_opened')?.data).toMatchObject({ complaintId: opened });
    const dueAfter = await eventually(async () => {
      const row = await h.db('stations').where({ id: stationId }).first('next_inspection_due_at');
      return +row.next_inspection_due_at < +dueBefore ? (row.next_inspection_due_at as Date) : undefined;
    });
    expect(+dueAfter).toBeLessThan(+dueBefore);

    // Approval waits for a supervisor to release the hold; the reviewer may still return the results.
    const sample = await eventually(async () => {
      const sampled = (await live(id)).recheck.sample as string[];
      return sampled.length ? sampled : undefined;
    });
    await ok(id, 'rechecks', 'rev-2', { entries: sample.map((candidateId) => ({ candidateId, theory: 90, practical: 90 })) });
    const held = await act(id, 'decision', 'rev-2', { outcome: 'approve' });
    expect(held.status).toBe(409);
    expect((await act(id, 'hold-release', 'rev-2', { reasons: ['核查'] })).status).toBe(403);
    await ok(id, 'hold-release', 'sup-fs', { reasons: ['投诉调查中，成绩另行核实'] });
    expect(await ok(id, 'decision', 'rev-2', { outcome: 'approve', reasons: ['复核一致'] })).toMatchObject({ status: 'approved' });
    // The activity that opened it, retried (as Temporal does after a worker dies mid-call), finds the same case.
    const starter = createStarterActivities({ db: h.db, temporal: h.temporal, sealer: createSealer(h.config.sealingKey) });
    const request = { sessionId: id, stationId, signals: submitted.signals, policy: h.config.policy.complaint, inspectionPolicy: h.config.policy.inspection };
    const retried = await new MockActivityEnvironment({ taskQueue: h.taskQueue }).run(() => starter.openSessionComplaint(request));
    expect(retried).toMatchObject({ applied: true, result: { complaintId: opened } });
    expect(await h.db('complaints').where({ station_id: stationId, category: 'fraudulent_appraisal' }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });
});

it('leaves the statistics summaries equal to a recomputation from the registers', () => expectNoDrift(h));
