import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateActivities } from '../../activities/certificates';
import { createStoreActivities } from '../../activities/store';
import { certificateNumberProblem, composeCertificateNumber, quarterOf } from '../../domain/certificate';
import { fixtureCertificate, registerCertificates } from '../support/certificates';
import { licenseStation, qualifyExaminer } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';
import { candidate, day, idNumber, masked, sessionApi } from '../support/sessions';
import { expectNoDrift } from '../support/statistics';

/**
 * The certificate register (证书台账) fed by approved sessions: a session approved through HTTP issues one certificate
 * per passing candidate, once however often issuance runs; supervisors revoke and replace; a complaint finding revokes
 * a certificate the register holds and is refused for one it does not; nothing outside a caller's jurisdiction exists.
 */
let h: Harness;
let stationId: number;
let sessionId: string;
/** The certificates of the approved session, by holder. */
const issued: Record<string, string> = {};

const today = day(0);
const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
const sessions = sessionApi(
  () => h,
  () => stationId,
);
/** A complaint's action, answered 200. */
async function ok(path: string, as: string, body: unknown = {}) {
  const res = await h.api('POST', path, { as, body });
  expect(res.status, `${path} as ${as}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}
const certificate = async (number: string, as = 'sup-fs') => h.api('GET', `/v1/certificates/${number}`, { as });

beforeAll(async () => {
  h = await startHarness({ session: { registerDaysAhead: 0, rosterLockBefore: 'PT0S', supervisionShare: 0, recheckShare: 0.5 } });
  stationId = await licenseStation(h);
  for (const examiner of ['exam-1', 'insp-1']) await qualifyExaminer(h, examiner);
});
afterAll(async () => h?.close());

describe('issuance from an approved session', () => {
  it('issues one certificate per passing candidate once the results are approved, none to the absent or failing', async () => {
    sessionId = await sessions.registered({ date: today, startsAt: at(15), endsAt: at(20), examinerIds: ['exam-1', 'insp-1'], expectedCandidates: 4 });
    const { ok: act, live } = sessions;
    const added = await act(sessionId, 'candidates', 'admin-1', {
      candidates: [candidate(51, '陈晨'), candidate(52, '林琳'), candidate(53, '黄河'), candidate(54, '郭靖')],
    });
    const [chen, lin, huang, guo] = (added.candidates as Array<{ id: string }>).map((c) => c.id);
    await eventually(async () => (await live(sessionId)).status === 'scoring', { timeoutMs: 60_000, intervalMs: 500 });
    await act(sessionId, 'scores', 'exam-1', {
      entries: [
        { candidateId: chen, theory: 82, practical: 75 },
        { candidateId: lin, theory: 66, practical: 90 },
        { candidateId: huang, absent: true },
        { candidateId: guo, theory: 55, practical: 71 },
      ],
    });
    await act(sessionId, 'practical-confirmations', 'insp-1', { candidateIds: [chen, lin, guo] });
    await act(sessionId, 'submission', 'admin-1');
    const sample = await eventually(async () => {
      const sampled = (await live(sessionId)).recheck.sample as string[];
      return sampled.length ? sampled : undefined;
    });
    const scores = (await live(sessionId)).scores as Record<string, { theory: number | null; practical: number | null }>;
    await act(sessionId, 'rechecks', 'rev-2', {
      entries: sample.map((id) => ({ candidateId: id, theory: scores[id].theory, practical: scores[id].practical })),
    });
    await act(sessionId, 'decision', 'rev-2', { outcome: 'approve', reasons: ['复核一致'] });
    const session = `/v1/sessions/${sessionId}`;
    // A worker that dies as the session ends its run: the new one carries on, and issues nothing twice.
    await h.restartWorker();

    // An issuance the old worker had started is retried once its start-to-close time (30 s) has passed.
    const view = await eventually(
      async () => {
        const body = (await h.api('GET', session, { as: 'admin-1' })).body;
        return body.certificates?.length ? body : undefined;
      },
      { timeoutMs: 90_000 },
    );
    const certificates = view.certificates as Array<{ number: string; candidateId: string; holderName: string; status: string }>;
    expect(certificates.map((c) => [c.candidateId, c.holderName, c.status]).sort()).toEqual(
      [
        [chen, '陈晨', 'valid'],
        [lin, '林琳', 'valid'],
      ].sort(),
    );
    for (const c of certificates) {
      issued[c.holderName] = c.number;
      expect(certificateNumberProblem(c.number)).toBeNull();
      // Guangdong (44), the year of approval, level 3.
      expect(c.number.slice(0, 7)).toBe(`44${today.slice(0, 4)}3`);
    }
    expect(await h.db('certificates').where({ session_id: sessionId }).count({ n: '*' })).toEqual([{ n: 2 }]);

    const one = await certificate(issued['陈晨']);
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(one.body).toMatchObject({
      number: issued['陈晨'],
      holderName: '陈晨',
      holderMaskedId: masked(idNumber(51)),
      occupationCode: '6-18-01-01',
      occupationName: '车工',
      level: 3,
      sessionId,
      stationId,
      issuerCode: '440000',
      issuedOn: today,
      quarter: quarterOf(Date.now()),
      source: 'session',
      status: 'valid',
      revokedAt: null,
      replacedBy: null,
    });
    expect(one.body).not.toHaveProperty('holderIdHash');
    expect(one.body.timeline).toEqual([expect.objectContaining({ seq: 1, action: 'issued', actorId: 'system', data: { sessionId } })]);

    // Recorded on the session once the register has them.
    const entry = await eventually(async () => {
      const items = (await h.api('GET', `${session}/timeline`, { as: 'sup-1' })).body.items as Array<{ action: string; data?: Record<string, unknown> }>;
      const found = items.filter((e) => e.action === 'certificates_issued');
      return found.length ? found : undefined;
    });
    expect(entry).toHaveLength(1);
    expect(entry[0].data).toEqual({ count: 2, numbers: certificates.map((c) => c.number).sort() });
  }, 180_000);

  it('issues nothing more when issuance runs again, even twice at once', async () => {
    const activities = createCertificateActivities({ db: h.db });
    const run = () => new MockActivityEnvironment({ taskQueue: h.taskQueue }).run(() => activities.issueSessionCertificates({ sessionId }));
    const numbers = Object.values(issued).sort();
    const reports = await Promise.all([run(), run()]);
    for (const report of reports) expect(report).toEqual({ applied: true, result: { count: 2, numbers } });
    expect(await h.db('certificates').where({ session_id: sessionId }).count({ n: '*' })).toEqual([{ n: 2 }]);
    expect(await h.db('events').where({ case_type: 'certificate', action: 'issued' }).whereIn('case_id', numbers).count({ n: '*' })).toEqual([{ n: 2 }]);
  });

  it('lists the register with filters and pages, within the caller’s jurisdiction only', async () => {
    const list = (query: string, as = 'sup-gd') => h.api('GET', `/v1/certificates?${query}`, { as });
    const all = await list(`sessionId=${sessionId}&pageSize=1`);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(all.body.items).toHaveLength(1);
    const second = (await list(`sessionId=${sessionId}&pageSize=1&page=2`)).body.items;
    expect([all.body.items[0].number, second[0].number].sort()).toEqual(Object.values(issued).sort());
    const byName = await list(`holderName=${encodeURIComponent('林')}&stationId=${stationId}`);
    expect(byName.status, JSON.stringify(byName.body)).toBe(200);
    expect(byName.body.items.map((c: { number: string }) => c.number)).toEqual([issued['林琳']]);
    expect((await list(`number=${issued['陈晨']}&status=valid&level=3&issuedFrom=${today}&issuedTo=${today}`)).body.total).toBe(1);
    expect((await list(`sessionId=${sessionId}&status=revoked`)).body.total).toBe(0);

    // Guangzhou's supervisor, Fujian's and another station's administrator see none of them.
    for (const outsider of ['sup-gz', 'sup-fj', 'admin-2']) {
      expect((await list(`sessionId=${sessionId}`, outsider)).body.total).toBe(0);
      expect((await certificate(issued['陈晨'], outsider)).status).toBe(404);
    }
    expect((await certificate(issued['陈晨'], 'admin-1')).status).toBe(200);
    // A typed number with a wrong digit is refused before any lookup.
    const number = issued['陈晨'];
    const typo = `${number.slice(0, 10)}${(Number(number[10]) + 1) % 10}${number.slice(11)}`;
    const refused = await certificate(typo);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'number', code: 'check_character' })]);
  });
});

describe('revocation and replacement', () => {
  it('lets a supervisor revoke a valid certificate with a reason, once', async () => {
    const number = issued['陈晨'];
    const path = `/v1/certificates/${number}/revocation`;
    expect((await h.api('POST', path, { as: 'rev-2', body: { reason: '考生冒名顶替' } })).status).toBe(403);
    expect((await h.api('POST', path, { as: 'sup-gz', body: { reason: '考生冒名顶替' } })).status).toBe(404);
    const headers = { 'Idempotency-Key': `revoke-${number}` };
    const revoked = await h.api('POST', path, { as: 'sup-fs', body: { reason: '考生冒名顶替' }, headers });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body).toMatchObject({ number, status: 'revoked', revokedBy: 'sup-fs', revokedReason: '考生冒名顶替', revokedCase: null });
    expect(Date.parse(revoked.body.revokedAt)).toBeGreaterThan(Date.now() - 60_000);
    // The same request retried answers as before; a new one is refused: it is no longer valid.
    expect((await h.api('POST', path, { as: 'sup-fs', body: { reason: '考生冒名顶替' }, headers })).body).toEqual(revoked.body);
    const again = await h.api('POST', path, { as: 'sup-gd', body: { reason: '再次撤销' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('not_allowed');
    const trail = (await certificate(number)).body.timeline as Array<{ action: string; actorId: string; data?: Record<string, unknown> }>;
    expect(trail.map((e) => [e.action, e.actorId])).toEqual([
      ['issued', 'system'],
      ['revoked', 'sup-fs'],
    ]);
    expect(trail[1].data).toEqual({ reason: '考生冒名顶替' });
  });

  it('replaces a lost certificate with a new number for the same holder, the old one marked replaced', async () => {
    const number = issued['林琳'];
    // An imported certificate already holds the number the sequence would draw next: it is passed over.
    const year = Number(today.slice(0, 4));
    const { next_sequence: next } = await h.db('certificate_sequences').where({ province_code: '44', year, level: 3 }).first('next_sequence');
    const imported = composeCertificateNumber({ provinceCode: '44', year, level: 3, sequence: Number(next) });
    await registerCertificates(h, [fixtureCertificate(imported, '旧证持有人', null, { source: 'legacy' })]);
    const replaced = await h.api('POST', `/v1/certificates/${number}/replacement`, { as: 'sup-fs', body: { reason: 'lost', note: '本人申请补发' } });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    const { old, replacement } = replaced.body;
    expect(certificateNumberProblem(replacement.number)).toBeNull();
    expect(replacement.number).not.toBe(number);
    expect(replacement.number).not.toBe(imported);
    expect(old).toMatchObject({ number, status: 'replaced', replacedBy: replacement.number });
    expect(replacement).toMatchObject({
      holderName: '林琳',
      holderMaskedId: old.holderMaskedId,
      occupationCode: old.occupationCode,
      level: 3,
      stationId,
      source: 'replacement',
      status: 'valid',
      replaces: number,
    });
    expect((await certificate(number)).body.timeline.at(-1)).toMatchObject({
      action: 'replaced',
      actorId: 'sup-fs',
      data: { reason: 'lost', note: '本人申请补发', replacedBy: replacement.number },
    });
    expect((await certificate(replacement.number)).body.timeline).toEqual([
      expect.objectContaining({ action: 'issued', actorId: 'sup-fs', data: { reason: 'lost', note: '本人申请补发', replaces: number } }),
    ]);
    const twice = await h.api('POST', `/v1/certificates/${number}/replacement`, { as: 'sup-fs', body: { reason: 'damaged' } });
    expect(twice.status).toBe(409);
    issued['林琳 (replacement)'] = replacement.number;
  });

  it('revokes through a complaint finding a certificate the register holds, and refuses one it does not', async () => {
    const number = issued['林琳 (replacement)'];
    const filed = await h.api('POST', '/v1/public/complaints', {
      body: {
        category: 'certificate_problem',
        certificateNumber: number,
        happenedOn: today,
        description: '该证书持有人并未参加鉴定，证书系购买所得。',
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const id = await eventually(
      async () => (await h.db('complaints').where({ tracking_number: filed.body.trackingNumber }).first('id'))?.id as string | undefined,
    );
    await ok(`/v1/complaints/${id}/triage`, 'handler-1', { category: 'certificate_problem', severity: 'normal', stationId });
    await ok(`/v1/complaints/${id}/investigator`, 'handler-1', { investigatorId: 'insp-2' });

    const finding = (actions: unknown[]) =>
      h.api('POST', `/v1/complaints/${id}/finding`, { as: 'insp-2', body: { finding: 'substantiated', reasons: ['证书系购买所得'], actions } });
    const unknown = composeCertificateNumber({ provinceCode: '44', year: 2026, level: 3, sequence: 99_999_999 });
    const refused = await finding([{ type: 'invalidate_certificate', certificateNumber: unknown }]);
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'actions.0.certificateNumber', code: 'unknown_certificate' })]);
    const malformed = await finding([{ type: 'invalidate_certificate', certificateNumber: `${unknown.slice(0, 15)}${unknown[15] === '0' ? '1' : '0'}` }]);
    expect(malformed.body.error.details).toEqual([expect.objectContaining({ field: 'actions.0.certificateNumber', code: 'check_character' })]);

    // Without a number of its own the action names the intake's.
    expect((await finding([{ type: 'invalidate_certificate' }])).status).toBe(200);
    const revoked = await eventually(async () => {
      const body = (await certificate(number)).body;
      return body.status === 'revoked' ? body : undefined;
    });
    expect(revoked).toMatchObject({ revokedCase: `complaint:${id}`, revokedBy: 'insp-2', revokedReason: '证书系购买所得' });
    const trail = await eventually(async () => {
      const items = (await h.api('GET', `/v1/complaints/${id}/timeline`, { as: 'sup-1' })).body.items as Array<{
        action: string;
        data?: Record<string, unknown>;
      }>;
      return items.find((e) => e.action === 'action_certificate_invalidated');
    });
    expect(trail.data).toMatchObject({ certificateNumber: number, revokedAt: revoked.revokedAt });

    // The activity retried, as a complaint from before the register calls it: it finds the certificate revoked by this case.
    const store = createStoreActivities({ db: h.db });
    const retried = await new MockActivityEnvironment({ taskQueue: h.taskQueue }).run(() =>
      store.invalidateCertificate({ certificateNumber: number, complaintId: id, reasons: ['证书系购买所得'] }),
    );
    expect(retried).toEqual({ applied: true, result: { certificateNumber: number, revokedAt: revoked.revokedAt } });
    expect(await h.db('events').where({ case_type: 'certificate', case_id: number, action: 'revoked' }).count({ n: '*' })).toEqual([{ n: 1 }]);
    // A certificate revoked by someone else is not reported as this case's doing.
    const other = await new MockActivityEnvironment({ taskQueue: h.taskQueue }).run(() =>
      store.invalidateCertificate({ certificateNumber: issued['陈晨'], complaintId: id, reasons: ['x'] }),
    );
    expect(other).toEqual({ applied: false, reason: `certificate ${issued['陈晨']} is revoked` });
  }, 60_000);

  it('refuses an issue beyond the quarter’s approved passes, writing nothing', async () => {
    // A certificate in the register that no approved pass accounts for, then one more pass for the session to issue.
    const [valid] = await h.db('certificates').where({ number: issued['陈晨'] });
    await h.db('certificates').insert({
      ...valid,
      number: composeCertificateNumber({ provinceCode: '44', year: 2026, level: 3, sequence: 77_777_777 }),
      session_id: 'FORGED',
      candidate_id: 'forged-1',
    });
    await h.db('session_candidates').where({ session_id: sessionId, name: '郭靖' }).update({ passed: true });
    const sequences = await h.db('certificate_sequences').select();
    const report = await new MockActivityEnvironment({ taskQueue: h.taskQueue }).run(() =>
      createCertificateActivities({ db: h.db }).issueSessionCertificates({ sessionId }),
    );
    expect(report).toEqual({ applied: false, reason: `quarterly count exceeded (6-18-01-01 ${quarterOf(Date.now())}: 4 certificates for 3 approved passes)` });
    expect(await h.db('certificates').where({ session_id: sessionId }).count({ n: '*' })).toEqual([{ n: 3 }]);
    expect(await h.db('certificate_sequences').select()).toEqual(sequences);
  });
});

it('leaves the statistics summaries equal to a recomputation from the registers', () => expectNoDrift(h));
