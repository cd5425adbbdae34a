import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { eventually, startHarness, type Harness } from '../support/harness';

const application = () => structuredClone(example);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    stationApproval: {
      deadlines: { resubmission: 'PT60S', assignReviewer: 'PT60S', documentReview: 'PT60S', assignAssessors: 'PT60S', onSiteAssessment: 'PT60S', finalDecision: 'PT60S' },
    },
  });
});
afterAll(async () => h?.close());

const fullMarks = { organisation_management: 90, post_setup: 85, staffing: 88, appraisal_process_control: 92, site_and_equipment: 80 };

async function file(as = 'admin-1', body: unknown = application()) {
  const res = await h.api('POST', '/v1/station-applications', { as, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function act(id: string, path: string, as: string, body: unknown) {
  return h.api('POST', `/v1/station-applications/${id}/${path}`, { as, body });
}

/** Takes an application through review and on-site assessment to the point of decision. */
async function toDecision(id: string) {
  expect((await act(id, 'reviewer', 'sup-1', { reviewerId: 'rev-1' })).status).toBe(200);
  expect((await act(id, 'review', 'rev-1', { outcome: 'pass' })).status).toBe(200);
  expect((await act(id, 'assessors', 'sup-1', { assessorIds: ['insp-1', 'insp-2'] })).status).toBe(200);
  expect((await act(id, 'assessments', 'insp-1', { scores: fullMarks, notes: 'records complete' })).status).toBe(200);
  const last = await act(id, 'assessments', 'insp-2', { scores: { ...fullMarks, staffing: 75 } });
  expect(last.status).toBe(200);
  expect(last.body.status).toBe('awaiting_decision');
  return last.body;
}

const mailsTo = (address: string) => h.mails.filter((m) => m.to.includes(address));

describe('station approval, end to end through HTTP', () => {
  it('takes a complete application to an active, licensed station', async () => {
    const id = await file();
    const created = await h.api('GET', `/v1/station-applications/${id}`, { as: 'admin-1' });
    expect(created.status).toBe(200);
    expect(created.body.record.status).toBe('awaiting_reviewer');
    expect(created.body.live.pending).toMatchObject({ action: 'assignReviewer', role: 'supervisor' });

    const atDecision = await toDecision(id);
    expect(atDecision.onSiteResult.passed).toBe(true);
    expect(atDecision.onSiteResult.total).toBeGreaterThan(70);

    const decided = await act(id, 'decision', 'sup-2', { outcome: 'approve' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);

    const record = await eventually(async () => {
      const r = await h.api('GET', `/v1/station-applications/${id}`, { as: 'admin-1' });
      return r.body.record.licenceNumber ? r.body.record : undefined;
    });
    expect(record.status).toBe('approved');
    expect(record.licenceNumber).toMatch(/^JD44-\d{4}-\d{6}$/);

    const station = await h.api('GET', `/v1/stations/${record.stationId}`, { as: 'admin-1' });
    expect(station.status).toBe(200);
    expect(station.body).toMatchObject({ status: 'active', licenceNumber: record.licenceNumber, provinceCode: '440000' });
    expect(station.body.scope).toEqual(example.scope);

    const timeline = await h.api('GET', `/v1/station-applications/${id}/timeline`, { as: 'sup-1' });
    const actions = timeline.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual([
      'submitted',
      'completeness_passed',
      'reviewer_assigned',
      'review_pass',
      'assessors_assigned',
      'assessment_submitted',
      'assessment_submitted',
      'on_site_scored',
      'decision_approve',
      'licence_issued',
    ]);
    expect(timeline.body.items[2]).toMatchObject({ actorId: 'sup-1', actorRole: 'supervisor' });

    await eventually(async () => mailsTo(example.contactEmail).find((m) => m.subject.includes(record.licenceNumber)));
    expect(mailsTo('zhao.min@osta.example').map((m) => m.subject)).toEqual([expect.stringContaining('review the documents')]);
  });
});
