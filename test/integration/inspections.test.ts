import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../support/harness';
import { checklistScores, licenseStation, qualifyExaminer } from '../support/fixtures';

/** Ad-hoc inspections through the API, on a policy whose rectification deadlines run in seconds. */
let h: Harness;
let stationId: number;
beforeAll(async () => {
  h = await startHarness({
    inspection: { deadlines: { rectification: 'PT3S', sanctionDecision: 'PT60S', verification: 'PT60S' } },
    programme: { intervals: { unrated: 'P1D', A: 'P1D', B: 'P1D', C: 'P1D', D: 'P1D' } },
  });
  stationId = await licenseStation(h);
  for (const examiner of ['exam-1', 'exam-2']) await qualifyExaminer(h, examiner);
});
afterAll(async () => h?.close());

async function startInspection(reason = 'spot check') {
  const res = await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId, reason } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}
const act = (id: string, path: string, as: string, body: unknown = {}) => h.api('POST', `/v1/inspections/${id}/${path}`, { as, body });
async function ok(id: string, path: string, as: string, body: unknown = {}) {
  const res = await act(id, path, as, body);
  expect(res.status, `${path} as ${as}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** Team of insp-1 (lead) and insp-2 through fieldwork and the lead's report. */
async function toReview(id: string, scores1: Record<string, number>, scores2 = scores1) {
  await ok(id, 'team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
  await ok(id, 'acknowledge', 'insp-1');
  await ok(id, 'acknowledge', 'insp-2');
  await ok(id, 'scores', 'insp-1', { scores: scores1, notes: 'files sampled: 20' });
  const scored = await ok(id, 'scores', 'insp-2', { scores: scores2 });
  expect(scored.status).toBe('awaiting_report');
  expect((await act(id, 'report', 'insp-2', { summary: 'not the lead' })).status).toBe(403);
  return ok(id, 'report', 'insp-1', { summary: 'see findings' });
}

describe('inspections', () => {
  it('runs an inspection from team assignment to an A rating, refusing recused and unqualified inspectors', async () => {
    const id = await startInspection();
    const eligible = await h.api('GET', `/v1/inspections/${id}/eligible-inspectors`, { as: 'sup-1' });
    const reasons = Object.fromEntries(eligible.body.ineligible.map((r: { id: string; refusals: string[] }) => [r.id, r.refusals.join(' ')]));
    expect(reasons['insp-4']).toContain('recusal');
    expect(reasons['insp-6']).toContain('qualification');
    expect(eligible.body.eligible.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['insp-1', 'insp-2']));

    const recused = await act(id, 'team', 'sup-1', { inspectorIds: ['insp-1', 'insp-4'], leadId: 'insp-1' });
    expect(recused.status).toBe(409);
    expect(recused.body.error.message).toContain('belongs to 南海机械厂');
    const unqualified = await act(id, 'team', 'sup-1', { inspectorIds: ['insp-1', 'insp-6'], leadId: 'insp-1' });
    expect(unqualified.status).toBe(409);
    expect(unqualified.body.error.message).toContain('no active examiner qualification');
    expect((await act(id, 'team', 'sup-1', { inspectorIds: ['insp-1'], leadId: 'insp-1' })).status).toBe(400);

    const reviewed = await toReview(id, checklistScores());
    expect(reviewed.result).toMatchObject({ rating: 'A', passed: true, criticalFailed: false });
    expect((await act(id, 'review', 'insp-1', { outcome: 'pass' })).status).toBe(403);
    const closed = await ok(id, 'review', 'sup-1', { outcome: 'pass' });
    expect(closed).toMatchObject({ status: 'closed', outcome: 'passed' });

    const station = await eventually(async () => {
      const s = (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body;
      return s.rating === 'A' ? s : undefined;
    });
    expect(station.programme.ratings).toEqual(['A']);
  });

  it('fails an inspection on a critical item whatever the score, and closes it once the rectification is verified', async () => {
    const id = await startInspection();
    const reviewed = await toReview(id, checklistScores({ 'process.scope': 2 }));
    expect(reviewed.result.total).toBeGreaterThan(75);
    expect(reviewed.result).toMatchObject({ criticalFailed: true, rating: 'D', passed: false, failedItems: ['process.scope'] });
    expect((await act(id, 'review', 'sup-1', { outcome: 'pass' })).status).toBe(409);

    const ordered = await ok(id, 'review', 'sup-1', { outcome: 'rectify', reasons: ['sessions held outside the licensed scope'] });
    expect(ordered.status).toBe('rectification');
    expect(ordered.rectifications[0].items).toEqual(['process.scope']);
    await eventually(async () => h.mails.find((m) => m.subject === `Inspection ${id}: rectification order (整改通知)`));
    expect((await act(id, 'rectification', 'admin-2', { report: 'x' })).status).toBe(404);
    await ok(id, 'rectification', 'admin-1', { report: 'scope rules retrained; session plan checked by the quality supervisor' });
    expect((await act(id, 'verification', 'insp-1', { scores: { 'org.rules': 10 } })).status).toBe(400);
    const verified = await ok(id, 'verification', 'insp-1', { scores: { 'process.scope': 9 }, notes: 'session plans for Q4 within scope' });
    expect(verified).toMatchObject({ status: 'closed', outcome: 'rectified' });
  });

  it('climbs the sanctions ladder on missed rectifications; suspension blocks session registration until a passing re-inspection', async () => {
    const session = {
      occupationCode: '6-18-01-01',
      level: 3,
      date: '2027-01-15',
      site: { provinceCode: '440000', cityCode: '440600', address: '实训楼2号车间' },
      examinerIds: ['exam-1', 'exam-2'],
      expectedCandidates: 30,
    };
    const id = await startInspection('complaint about records');
    await toReview(id, checklistScores({ 'org.records': 1 }));
    await ok(id, 'review', 'sup-1', { outcome: 'rectify', reasons: ['candidate files missing'] });

    // Nobody reports within 3 s: a warning is proposed to the supervisors.
    const warning = await eventually(async () => {
      const live = (await h.api('GET', `/v1/inspections/${id}`, { as: 'sup-1' })).body.live;
      return live.status === 'awaiting_sanction' ? live : undefined;
    });
    expect(warning.proposedSanction).toBe('warning');
    expect((await act(id, 'sanction', 'sup-1', {})).status).toBe(400);
    expect((await ok(id, 'sanction', 'sup-1', { reasons: ['rectification not reported'] })).status).toBe('rectification');

    // Missed again: suspension.
    const suspension = await eventually(async () => {
      const live = (await h.api('GET', `/v1/inspections/${id}`, { as: 'sup-1' })).body.live;
      return live.proposedSanction === 'suspension' ? live : undefined;
    });
    expect(suspension.status).toBe('awaiting_sanction');
    await ok(id, 'sanction', 'sup-2', { reasons: ['second missed rectification'] });
    await eventually(async () => (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body.status === 'suspended');

    const refused = await h.api('POST', `/v1/stations/${stationId}/sessions`, { as: 'admin-1', body: session });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('suspended');

    // The station reports in time now, and the team's re-inspection passes: the suspension is lifted.
    await ok(id, 'rectification', 'admin-1', { report: 'files reconstructed and audited' });
    await ok(id, 'verification', 'insp-1', { scores: { 'org.records': 9 } });
    await eventually(async () => (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body.status === 'active');
    const registered = await h.api('POST', `/v1/stations/${stationId}/sessions`, { as: 'admin-1', body: session });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);

    const timeline = (await h.api('GET', `/v1/inspections/${id}/timeline`, { as: 'sup-1' })).body.items.map((e: { action: string }) => e.action);
    expect(timeline.filter((a: string) => a.startsWith('sanction_') || a === 'rectification_missed' || a === 'rectification_verified')).toEqual([
      'rectification_missed',
      'sanction_warning',
      'rectification_missed',
      'sanction_suspension',
      'rectification_verified',
    ]);
  });
});
