import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { eventually, startHarness, type Harness } from '../support/harness';
import { checklistScores, goodScores } from '../support/fixtures';

/**
 * Every status change has its event: in each process the statuses its timeline passes through are the
 * case's status history, each entry starting where the previous one left the case and the last one
 * where the case is now.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    complaint: { appealWindow: 'PT60S' },
    qualification: { validity: 'P1Y', reminderOffsets: ['P30D'], renewal: { minTrainingHours: 24, minSessions: 0, violationsNeedingSupervisor: 2 } },
  });
});
afterAll(async () => h?.close());

interface Entry {
  action: string;
  statusBefore?: string;
  statusAfter?: string;
}

/** A case's trail, as anyone reading the timeline sees it, checked against its status now and the history it went through. */
async function expectTrail(timelinePath: string, currentStatus: () => Promise<string>, history: string[], seen: string[]) {
  const items: Entry[] = (await h.api('GET', timelinePath, { as: 'sup-1' })).body.items;
  items.forEach((entry, i) => {
    expect(entry.statusAfter, `${entry.action} has a status after`).toBeDefined();
    if (i > 0) expect(entry.statusBefore, `${entry.action} starts where ${items[i - 1].action} left the case`).toBe(items[i - 1].statusAfter);
  });
  expect(items.at(-1)!.statusAfter, `the last entry (${items.at(-1)!.action}) leaves the case where it is`).toBe(await currentStatus());
  const passedThrough = items.map((e) => e.statusAfter!).filter((s, i, all) => s !== all[i - 1]);
  expect(passedThrough).toEqual(history);
  // What the case showed along the way is part of that history, in the same order.
  expect(
    isSubsequence(
      seen.filter((s, i) => s !== seen[i - 1]),
      passedThrough,
    ),
    `seen ${seen.join(' → ')}`,
  ).toBe(true);
}

function isSubsequence(part: string[], whole: string[]): boolean {
  let at = 0;
  for (const s of whole) if (s === part[at]) at++;
  return at === part.length;
}

function stepper(base: string, seen: string[]) {
  return async (path: string, as: string, body: unknown = {}) => {
    const res = await h.api('POST', `${base}/${path}`, { as, body });
    expect(res.status, `${path} as ${as}: ${JSON.stringify(res.body)}`).toBe(200);
    seen.push(res.body.status);
    return res.body;
  };
}

let stationId: number;

describe('every status change has its event', () => {
  it('station application: a return and resubmission to approval; an incomplete one to withdrawal', async () => {
    const seen: string[] = [];
    const created = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: example });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    seen.push(created.body.status);
    const step = stepper(`/v1/station-applications/${id}`, seen);
    await step('reviewer', 'sup-1', { reviewerId: 'rev-2' });
    await step('review', 'rev-2', { outcome: 'return', reasons: ['site certificate is expired'] });
    await step('resubmit', 'admin-1', { application: example });
    await step('review', 'rev-2', { outcome: 'pass' });
    await step('assessors', 'sup-1', { assessorIds: ['insp-1', 'insp-2'] });
    await step('assessments', 'insp-1', { scores: goodScores });
    await step('assessments', 'insp-2', { scores: goodScores });
    await step('decision', 'sup-2', { outcome: 'approve' });
    const record = await eventually(async () => {
      const r = (await h.api('GET', `/v1/station-applications/${id}`, { as: 'sup-1' })).body.record;
      return r.stationId ? r : undefined;
    });
    stationId = record.stationId;
    await expectTrail(
      `/v1/station-applications/${id}/timeline`,
      async () => (await h.api('GET', `/v1/station-applications/${id}`, { as: 'sup-1' })).body.record.status,
      ['submitted', 'awaiting_reviewer', 'in_review', 'returned', 'in_review', 'awaiting_assessors', 'on_site', 'awaiting_decision', 'approved'],
      seen,
    );

    const incomplete = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: { ...example, documents: example.documents.slice(0, 1) } });
    expect(incomplete.status, JSON.stringify(incomplete.body)).toBe(201);
    const other = incomplete.body.id as string;
    const otherSeen: string[] = [incomplete.body.status];
    const otherStep = stepper(`/v1/station-applications/${other}`, otherSeen);
    await otherStep('resubmit', 'admin-1', { application: example });
    await eventually(async () => (await h.api('GET', `/v1/station-applications/${other}`, { as: 'sup-1' })).body.record.status === 'awaiting_reviewer');
    await otherStep('withdraw', 'admin-1', { reason: 'moving the site' });
    await eventually(async () => (await h.api('GET', `/v1/station-applications/${other}`, { as: 'sup-1' })).body.record.status === 'withdrawn');
    await expectTrail(
      `/v1/station-applications/${other}/timeline`,
      async () => (await h.api('GET', `/v1/station-applications/${other}`, { as: 'sup-1' })).body.record.status,
      ['submitted', 'incomplete', 'submitted', 'awaiting_reviewer', 'withdrawn'],
      otherSeen,
    );
  });

  it('inspection up the sanctions ladder to revocation, and the station programme through suspension to revocation', async () => {
    expect(stationId, 'the first test licensed a station').toBeTypeOf('number');
    const started = await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId, reason: 'records complaint' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    const seen: string[] = [started.body.status];
    const step = stepper(`/v1/inspections/${id}`, seen);
    await step('team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
    await step('acknowledge', 'insp-1');
    await step('acknowledge', 'insp-2');
    await step('scores', 'insp-1', { scores: checklistScores({ 'org.records': 1 }) });
    await step('scores', 'insp-2', { scores: checklistScores({ 'org.records': 1 }) });
    await step('report', 'insp-1', { summary: 'candidate files missing' });
    await step('review', 'sup-1', { outcome: 'rectify', reasons: ['candidate files missing'] });
    // Three rounds each failing verification: warning, suspension, revocation.
    for (const by of ['sup-1', 'sup-2', 'sup-1']) {
      await step('rectification', 'admin-1', { report: 'files being reconstructed' });
      await step('verification', 'insp-1', { scores: { 'org.records': 2 } });
      await step('sanction', by, { reasons: ['rectification failed'] });
    }
    const inspectionStatus = async () => (await h.api('GET', `/v1/inspections/${id}`, { as: 'sup-1' })).body.record.status as string;
    expect(await eventually(async () => ((await inspectionStatus()) === 'revoked' ? 'revoked' : undefined))).toBe('revoked');
    const round = ['rectification', 'verification', 'awaiting_sanction'];
    await expectTrail(
      `/v1/inspections/${id}/timeline`,
      inspectionStatus,
      ['awaiting_team', 'awaiting_acknowledgement', 'fieldwork', 'awaiting_report', 'awaiting_review', ...round, ...round, ...round, 'revoked'],
      seen,
    );
    const revocation = ((await h.api('GET', `/v1/inspections/${id}/timeline`, { as: 'sup-1' })).body.items as Entry[]).find(
      (e) => e.action === 'sanction_revocation',
    );
    expect(revocation).toMatchObject({ statusBefore: 'awaiting_sanction', statusAfter: 'revoked' });

    const stationStatus = async () => (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body.status as string;
    await eventually(async () => (await stationStatus()) === 'revoked');
    await eventually(async () =>
      ((await h.api('GET', `/v1/stations/${stationId}/timeline`, { as: 'sup-1' })).body.items as Entry[]).some(
        (e) => e.action === 'sanction' && e.statusAfter === 'revoked',
      ),
    );
    await expectTrail(`/v1/stations/${stationId}/timeline`, stationStatus, ['active', 'suspended', 'revoked'], ['active', 'suspended', 'revoked']);
  });

  it('qualification: admission, a returned renewal, a suspension that lifts by itself, revocation', async () => {
    const applied = await h.api('POST', '/v1/qualifications', {
      as: 'exam-1',
      body: { occupationCode: '4-07-40-01', level: 3, trainingHours: 48, examScore: 82, nationalId: '44010619850301123X' },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const id = applied.body.id as string;
    const seen: string[] = [applied.body.status];
    const step = stepper(`/v1/qualifications/${id}`, seen);
    await step('admission-decision', 'rev-2', { outcome: 'approve' });
    await step('renewal', 'exam-1', { trainingHours: 30 });
    await step('renewal-decision', 'rev-2', { outcome: 'return', reasons: ['attach the certificates'] });
    await step('suspension', 'sup-1', { until: new Date(Date.now() + 3000).toISOString(), reasons: ['complaint under investigation'] });
    const status = async () => (await h.api('GET', `/v1/qualifications/${id}`, { as: 'sup-1' })).body.record.status as string;
    await eventually(async () => (await status()) === 'active', { timeoutMs: 15_000 });
    seen.push('active');
    await step('revocation', 'sup-2', { reasons: ['fraudulent appraisal (虚假鉴定) substantiated'] });
    await eventually(async () => (await status()) === 'revoked');
    await expectTrail(
      `/v1/qualifications/${id}/timeline`,
      status,
      ['applied', 'active', 'renewal_submitted', 'active', 'suspended', 'active', 'revoked'],
      seen,
    );
  });

  it('complaint: triage, investigation, a finding, an appeal and the final finding; a consultation answered', async () => {
    const filed = await h.api('POST', '/v1/public/complaints', {
      body: {
        category: 'other',
        happenedOn: '2026-11-01',
        description: 'The certificate office never answers the phone.',
        contact: { name: 'Lu Xin', email: 'lu.xin@mail.example' },
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const { trackingNumber, secret } = filed.body as { trackingNumber: string; secret: string };
    const id = await eventually(async () => (await h.db('complaints').where({ tracking_number: trackingNumber }).first('id'))?.id as string | undefined);
    const status = async () => (await h.api('GET', `/v1/complaints/${id}`, { as: 'sup-1' })).body.record.status as string;
    const seen: string[] = [await status()];
    const step = stepper(`/v1/complaints/${id}`, seen);
    await step('triage', 'handler-1', { category: 'other', severity: 'normal' });
    await step('investigator', 'handler-1', { investigatorId: 'insp-2' });
    await step('finding', 'insp-2', { finding: 'unsubstantiated', reasons: ['calls were answered within the hour'] });
    await eventually(
      async () => (await h.api('GET', `/v1/public/complaints/${trackingNumber}`, { headers: { 'x-complaint-secret': secret } })).body.appealOpen === true,
    );
    const appealed = await h.api('POST', `/v1/public/complaints/${trackingNumber}/appeal`, {
      headers: { 'x-complaint-secret': secret },
      body: { reason: 'they were not' },
    });
    expect(appealed.status, JSON.stringify(appealed.body)).toBe(200);
    seen.push('appealed');
    await step('investigator', 'handler-1', { investigatorId: 'insp-5' });
    await step('finding', 'insp-5', { finding: 'substantiated', reasons: ['phone logs show no answer'] });
    await eventually(async () => (await status()) === 'final');
    await expectTrail(`/v1/complaints/${id}/timeline`, status, ['received', 'triaged', 'investigating', 'closed', 'appealed', 'final'], seen);

    const asked = await h.api('POST', '/v1/public/complaints', {
      body: {
        kind: 'consultation',
        category: 'certificate_problem',
        happenedOn: '2026-11-01',
        description: 'How do I check whether my certificate is genuine?',
      },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const question = await eventually(
      async () => (await h.db('complaints').where({ tracking_number: asked.body.trackingNumber }).first('id'))?.id as string | undefined,
    );
    const questionStatus = async () => (await h.api('GET', `/v1/complaints/${question}`, { as: 'sup-1' })).body.record.status as string;
    const asking = [await questionStatus()];
    await stepper(`/v1/complaints/${question}`, asking)('answer', 'handler-1', { answer: 'Use the public certificate check.' });
    await eventually(async () => (await questionStatus()) === 'answered');
    await expectTrail(`/v1/complaints/${question}/timeline`, questionStatus, ['consultation', 'answered'], asking);
  });
});
