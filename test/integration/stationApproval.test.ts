import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { eventually, startHarness, type Harness } from '../support/harness';

const application = () => structuredClone(example);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    stationApproval: {
      deadlines: {
        resubmission: 'PT60S',
        assignReviewer: 'PT60S',
        documentReview: 'PT60S',
        assignAssessors: 'PT60S',
        onSiteAssessment: 'PT60S',
        finalDecision: 'PT60S',
      },
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
    expect(record.licenceNumber).toMatch(/^JD44-\d{4}-\d{6,}$/);

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

  it('returns an application to the applicant and reviews the resubmission', async () => {
    const id = await file();
    await act(id, 'reviewer', 'sup-1', { reviewerId: 'rev-2' });
    const returned = await act(id, 'review', 'rev-2', { outcome: 'return', reasons: ['site certificate is expired'] });
    expect(returned.status).toBe(200);
    expect(returned.body.status).toBe('returned');
    expect(returned.body.pending).toMatchObject({ action: 'resubmit', role: 'station_admin', userIds: ['admin-1'] });
    await eventually(async () => mailsTo(example.contactEmail).find((m) => m.subject.includes(id) && m.text.includes('site certificate is expired')));

    // The reviewer cannot pass what is back with the applicant.
    expect((await act(id, 'review', 'rev-2', { outcome: 'pass' })).status).toBe(409);

    const changed = application();
    changed.documents[1].reference = 'scan/site-certificate-2026.pdf';
    const resubmitted = await act(id, 'resubmit', 'admin-1', { application: changed });
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.status).toBe('in_review');
    expect((await act(id, 'review', 'rev-2', { outcome: 'pass' })).body.status).toBe('awaiting_assessors');
    const record = (await h.api('GET', `/v1/station-applications/${id}`, { as: 'admin-1' })).body.record;
    expect(record.application.documents[1].reference).toBe('scan/site-certificate-2026.pdf');
  });

  it('asks for missing documents, then continues once the applicant completes them', async () => {
    const incomplete = application();
    incomplete.documents = incomplete.documents.filter((d) => d.kind !== 'equipment_list');
    delete (incomplete.staff as { qualitySupervisor?: unknown }).qualitySupervisor;
    const id = await file('admin-1', incomplete);
    const view = (await h.api('GET', `/v1/station-applications/${id}`, { as: 'admin-1' })).body;
    expect(view.record.status).toBe('incomplete');
    expect(view.live.gaps).toEqual([expect.stringContaining('equipment_list'), expect.stringContaining('staff.qualitySupervisor')]);
    const notice = await eventually(async () => mailsTo(example.contactEmail).find((m) => m.subject.includes(id) && m.subject.includes('incomplete')));
    expect(notice.text).toContain('equipment_list');

    const resubmitted = await act(id, 'resubmit', 'admin-1', { application: application() });
    expect(resubmitted.status).toBe(200);
    const record = await eventually(async () => {
      const r = (await h.api('GET', `/v1/station-applications/${id}`, { as: 'admin-1' })).body.record;
      return r.status === 'awaiting_reviewer' ? r : undefined;
    });
    expect(record.pending).toMatchObject({ action: 'assignReviewer', role: 'supervisor' });
  });

  it('rejects at document review with reasons, and mails the applicant', async () => {
    const id = await file();
    await act(id, 'reviewer', 'sup-1', { reviewerId: 'rev-2' });
    expect((await act(id, 'review', 'rev-2', { outcome: 'reject' })).status).toBe(400);
    const rejected = await act(id, 'review', 'rev-2', { outcome: 'reject', reasons: ['no appraisal site of its own'] });
    expect(rejected.body.status).toBe('rejected');
    const mail = await eventually(async () => mailsTo(example.contactEmail).find((m) => m.subject === `Station application ${id}: rejected`));
    expect(mail.text).toContain('no appraisal site of its own');
    expect((await act(id, 'withdraw', 'admin-1', { reason: 'too late' })).status).toBe(409);
  });

  it('lets the applicant withdraw before the decision, and nobody act after', async () => {
    const id = await file();
    await act(id, 'reviewer', 'sup-1', { reviewerId: 'rev-2' });
    expect((await act(id, 'withdraw', 'admin-2', { reason: 'not mine' })).status).toBe(404);
    const withdrawn = await act(id, 'withdraw', 'admin-1', { reason: 'moving to a new site' });
    expect(withdrawn.body.status).toBe('withdrawn');
    await eventually(async () => (await h.api('GET', `/v1/station-applications/${id}`, { as: 'admin-1' })).body.record.status === 'withdrawn');
    expect((await act(id, 'review', 'rev-2', { outcome: 'pass' })).status).toBe(409);
  });

  it('refuses recused and too few assessors, and a reviewer deciding', async () => {
    const id = await file();
    await act(id, 'reviewer', 'sup-1', { reviewerId: 'rev-1' });
    await act(id, 'review', 'rev-1', { outcome: 'pass' });

    const eligible = await h.api('GET', `/v1/station-applications/${id}/eligible-assessors`, { as: 'sup-1' });
    expect(eligible.body.eligible.map((p: { id: string }) => p.id)).toEqual(['insp-1', 'insp-2', 'insp-5', 'insp-6', 'insp-7']);
    expect(eligible.body.recused.map((p: { id: string }) => p.id)).toEqual(['insp-3', 'insp-4']);

    const recused = await act(id, 'assessors', 'sup-1', { assessorIds: ['insp-1', 'insp-3'] });
    expect(recused.status).toBe(409);
    expect(recused.body.error.message).toContain('南海机械厂培训中心');
    const own = await act(id, 'assessors', 'sup-1', { assessorIds: ['insp-1', 'insp-4'] });
    expect(own.status).toBe(409);
    expect(own.body.error.message).toContain('belongs to 南海机械厂');
    const tooFew = await act(id, 'assessors', 'sup-1', { assessorIds: ['insp-1'] });
    expect(tooFew.status).toBe(400);
    expect(tooFew.body.error.details[0].field).toBe('assessorIds');
    expect((await act(id, 'assessors', 'sup-1', { assessorIds: ['insp-1', 'nobody'] })).body.error.details[0].field).toBe('assessorIds');

    expect((await act(id, 'assessors', 'sup-1', { assessorIds: ['insp-1', 'insp-2'] })).status).toBe(200);
    // An inspector who is not on this assessment does not see the case at all.
    expect((await act(id, 'assessments', 'insp-3', { scores: fullMarks })).status).toBe(404);
    await act(id, 'assessments', 'insp-1', { scores: fullMarks });
    expect((await act(id, 'assessments', 'insp-1', { scores: fullMarks })).status).toBe(409);
    await act(id, 'assessments', 'insp-2', { scores: fullMarks });

    // rev-1 also holds the supervisor role, but reviewed this application.
    const selfDecided = await act(id, 'decision', 'rev-1', { outcome: 'approve' });
    expect(selfDecided.status).toBe(403);
    expect(selfDecided.body.error.message).toContain('reviewer');
    expect((await act(id, 'decision', 'insp-1', { outcome: 'approve' })).status).toBe(403);
  });

  it('approves with a reduced scope, and licenses only that scope', async () => {
    const id = await file();
    await toDecision(id);
    const widened = await act(id, 'decision', 'sup-1', {
      outcome: 'approve_reduced',
      reasons: ['one occupation only'],
      scope: [{ occupationCode: '6-18-01-01', highestLevel: 2 }],
    });
    expect(widened.status).toBe(400);
    expect(widened.body.error.details[0].field).toBe('scope');
    const reduced = await act(id, 'decision', 'sup-1', {
      outcome: 'approve_reduced',
      reasons: ['welding bay not equipped'],
      scope: [{ occupationCode: '6-18-01-01', highestLevel: 4 }],
    });
    expect(reduced.status).toBe(200);
    const record = await eventually(async () => (await h.api('GET', `/v1/station-applications/${id}`, { as: 'sup-1' })).body.record.stationId ?? undefined);
    const station = await h.api('GET', `/v1/stations/${record}`, { as: 'sup-1' });
    expect(station.body.scope).toEqual([{ occupationCode: '6-18-01-01', highestLevel: 4 }]);
  });

  it('lets exactly one of two supervisors deciding at once win', async () => {
    const id = await file();
    await toDecision(id);
    const [a, b] = await Promise.all([
      act(id, 'decision', 'sup-1', { outcome: 'approve' }),
      act(id, 'decision', 'sup-2', { outcome: 'reject', reasons: ['staff records inconsistent'] }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? 'sup-1' : 'sup-2';
    const timeline = await eventually(async () => {
      const items = (await h.api('GET', `/v1/station-applications/${id}/timeline`, { as: 'sup-1' })).body.items as Array<{ action: string; actorId: string }>;
      return items.some((e) => e.action.startsWith('decision_')) ? items : undefined;
    });
    expect(timeline.filter((e) => e.action.startsWith('decision_')).map((e) => e.actorId)).toEqual([winner]);
  });

  it('starts one workflow and one row for a create sent twice with the same Idempotency-Key', async () => {
    const headers = { 'Idempotency-Key': `create-${Date.now()}` };
    const first = await h.api('POST', '/v1/station-applications', { as: 'admin-2', body: application(), headers });
    const second = await h.api('POST', '/v1/station-applications', { as: 'admin-2', body: application(), headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const other = application();
    other.stationName = 'Another station';
    expect((await h.api('POST', '/v1/station-applications', { as: 'admin-2', body: other, headers })).status).toBe(422);

    const rows = await h.db('station_applications').where({ applicant_id: 'admin-2' });
    expect(rows).toHaveLength(1);
    const runs = [];
    for await (const wf of h.temporal.workflow.list({ query: `WorkflowId = 'station-application:${first.body.id}'` })) runs.push(wf);
    expect(runs).toHaveLength(1);
  });

  it('answers bad input with 400 naming each field, and writes nothing', async () => {
    const before = await h.db('station_applications').count({ n: '*' }).first();
    const bad = application() as Record<string, any>;
    bad.region.cityCode = '350100';
    bad.scope[0].highestLevel = 7;
    bad.contactEmail = 'not-an-email';
    bad.status = 'approved';
    const res = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: bad });
    expect(res.status).toBe(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['region.cityCode', 'scope.0.highestLevel', 'contactEmail', 'status']));
    expect((await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: '{"broken' })).status).toBe(400);
    expect(
      (await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: JSON.stringify({ ...application(), address: 'x'.repeat(300_000) }) })).status,
    ).toBe(413);
    const after = await h.db('station_applications').count({ n: '*' }).first();
    expect(after).toEqual(before);
  });

  it('enforces roles and objects: 401 without a token, 403 for the wrong role, 404 outside one’s own', async () => {
    const id = await file();
    expect((await h.api('GET', `/v1/station-applications/${id}`, { as: null })).status).toBe(401);
    const forged = await h.api('GET', `/v1/station-applications/${id}`, {
      headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJzdXAtMSIsInJvbGVzIjpbInN1cGVydmlzb3IiXX0.' },
    });
    expect(forged.status).toBe(401);
    expect((await h.api('POST', '/v1/station-applications', { as: 'sup-1', body: application() })).status).toBe(403);
    expect((await h.api('GET', `/v1/station-applications/${id}`, { as: 'admin-2' })).status).toBe(404);
    expect((await act(id, 'reviewer', 'rev-2', { reviewerId: 'rev-2' })).status).toBe(403);
    const mine = await h.api('GET', '/v1/station-applications?limit=100', { as: 'admin-2' });
    expect(mine.body.items.every((r: { applicantId: string }) => r.applicantId === 'admin-2')).toBe(true);
  });

  it('lists with filters and cursor pagination, and finds cases by search attribute in Temporal', async () => {
    const pendingOnSup = await h.api('GET', '/v1/station-applications?pendingOnMe=true&limit=2', { as: 'sup-1' });
    expect(pendingOnSup.status).toBe(200);
    expect(pendingOnSup.body.items).toHaveLength(2);
    expect(pendingOnSup.body.items.every((r: any) => r.pending.role === 'supervisor')).toBe(true);
    const next = await h.api('GET', `/v1/station-applications?pendingOnMe=true&limit=2&cursor=${pendingOnSup.body.nextCursor}`, { as: 'sup-1' });
    expect(next.body.items[0].id < pendingOnSup.body.items[1].id).toBe(true);
    const approved = await h.api('GET', '/v1/station-applications?status=approved&provinceCode=440000', { as: 'sup-1' });
    expect(approved.body.items.length).toBeGreaterThanOrEqual(2);

    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of h.temporal.workflow.list({
        query: `CaseType = 'station_application' AND CaseStatus = 'approved' AND Region = '440000' AND TaskQueue = '${h.taskQueue}'`,
      }))
        ids.push(wf.workflowId);
      return ids.length >= approved.body.items.length ? ids : undefined;
    });
    expect(found.sort()).toEqual(approved.body.items.map((r: { id: string }) => `station-application:${r.id}`).sort());
  });

  it('publishes health, readiness and an OpenAPI document built from the request schemas', async () => {
    expect((await h.api('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await h.api('GET', '/readyz')).body).toEqual({ status: 'ok', mysql: 'ok', temporal: 'ok' });
    const doc = (await h.api('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/station-applications', '/v1/station-applications/{id}/decision', '/v1/stations/{id}']));
    const decision = doc.paths['/v1/station-applications/{id}/decision'].post;
    expect(decision.requestBody.content['application/json'].schema.properties.outcome.enum).toEqual(['approve', 'approve_reduced', 'reject']);
    expect(Object.keys(decision.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '409']));
  });

  it('completes a case across a worker restart, with one mail per step', async () => {
    const id = await file();
    await act(id, 'reviewer', 'sup-1', { reviewerId: 'rev-2' });
    await h.restartWorker();
    await act(id, 'review', 'rev-2', { outcome: 'pass' });
    await act(id, 'assessors', 'sup-1', { assessorIds: ['insp-1', 'insp-2'] });
    await h.restartWorker();
    await act(id, 'assessments', 'insp-1', { scores: fullMarks });
    await act(id, 'assessments', 'insp-2', { scores: fullMarks });
    await act(id, 'decision', 'sup-2', { outcome: 'approve' });
    await eventually(async () => (await h.api('GET', `/v1/station-applications/${id}`, { as: 'admin-1' })).body.record.licenceNumber);
    // Mail goes beside the process; a send cut off by the restart is retried after its timeout.
    const outbox = await eventually(
      async () => {
        const rows = await h.db('outbox').where({ workflow_id: `station-application:${id}` });
        if (rows.length === 3 && rows.every((r) => r.status === 'sent')) return rows;
        const { raw } = await h.temporal.workflow.getHandle(`station-application:${id}`).describe();
        // Returned as the last value seen, so a timeout says what was still outstanding.
        return {
          pending: rows.map((r) => `${r.step_key}:${r.status}`),
          activities: (raw.pendingActivities ?? []).map((a) => `${a.activityType?.name}#${a.attempt} ${a.lastFailure?.message ?? ''}`),
        } as never;
      },
      { timeoutMs: 90_000, intervalMs: 1000, until: (v) => Array.isArray(v) },
    );
    expect(outbox.map((r) => r.step_key.replace(/^\d+-/, '')).sort()).toEqual(['assessors_assigned', 'licence_issued', 'reviewer_assigned']);
    const received = h.mails.filter((m) => m.subject.includes(id));
    expect(received.filter((m) => m.to.includes('chen.gang@gzvc.example'))).toHaveLength(1);
    expect(received.filter((m) => m.to.includes(example.contactEmail))).toHaveLength(1);
  });
});
