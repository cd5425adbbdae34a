import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../support/harness';
import { licenseStation, qualifyExaminer } from '../support/fixtures';
import { certificateNumber, fixtureCertificate, registerCertificates } from '../support/certificates';

/** Complaints through the public and staff API, with SLAs in seconds. */
let h: Harness;
let stationId: number;
let sessionId: string;
beforeAll(async () => {
  h = await startHarness({
    complaint: {
      triage: 'PT60S',
      assignInvestigator: 'PT60S',
      sla: { normal: 'PT60S', serious: 'PT4S', critical: 'PT60S' },
      reminderBefore: 'PT2S',
      escalationInterval: 'PT2S',
      extension: 'PT60S',
      appealWindow: 'PT30S',
      directorMailbox: 'director@hrss.example',
      emergencyContacts: ['emergency@hrss.example'],
      intakeRate: { max: 14, window: 'PT1H' },
    },
  });
  stationId = await licenseStation(h);
  for (const examiner of ['exam-1', 'exam-2']) await qualifyExaminer(h, examiner);
  const session = await h.api('POST', `/v1/stations/${stationId}/sessions`, {
    as: 'admin-1',
    body: {
      occupationCode: '6-18-01-01',
      level: 3,
      date: '2027-02-01',
      site: { provinceCode: '440000', cityCode: '440600', address: '实训楼1号车间' },
      examinerIds: ['exam-1', 'exam-2'],
      expectedCandidates: 10,
    },
  });
  expect(session.status, JSON.stringify(session.body)).toBe(201);
  sessionId = session.body.sessionId;
  // The session is then found held at level 2, above the licence: out of scope on the record.
  await h.db('appraisal_sessions').where({ id: sessionId }).update({ level: 2, province_code: '350000' });
});
afterAll(async () => h?.close());

const complainant = { name: 'Lu Xin', email: 'lu.xin@mail.example', phone: '13800000000' };
async function file(body: Record<string, unknown> = {}) {
  const res = await h.api('POST', '/v1/public/complaints', {
    body: {
      category: 'out_of_scope_appraisal',
      stationId,
      sessionId,
      happenedOn: '2026-11-01',
      description: 'Candidates were appraised at level 2 by this station.',
      contact: complainant,
      ...body,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const id = await eventually(async () => (await h.db('complaints').where({ tracking_number: res.body.trackingNumber }).first('id'))?.id as string | undefined);
  return { ...res.body, id } as { trackingNumber: string; secret: string; id: string };
}
const act = (id: string, path: string, as: string, body: unknown) => h.api('POST', `/v1/complaints/${id}/${path}`, { as, body });
const publicStatus = (trackingNumber: string, secret: string) =>
  h.api('GET', `/v1/public/complaints/${trackingNumber}`, { headers: { 'x-complaint-secret': secret } });
const publicAppeal = (trackingNumber: string, secret: string, reason: string) =>
  h.api('POST', `/v1/public/complaints/${trackingNumber}/appeal`, { headers: { 'x-complaint-secret': secret }, body: { reason } });

describe('complaints', () => {
  it('takes a named complaint from intake to a substantiated finding that suspends an examiner and starts an inspection; the complainant reads it and appeals once', async () => {
    // insp-1 holds an active qualification, run by its own workflow.
    const applied = await h.api('POST', '/v1/qualifications', {
      as: 'insp-1',
      body: { occupationCode: '6-18-01-01', level: 3, trainingHours: 60, examScore: 90, nationalId: '440106198001011234' },
    });
    const qualificationId = applied.body.id as string;
    expect((await h.api('POST', `/v1/qualifications/${qualificationId}/admission-decision`, { as: 'rev-2', body: { outcome: 'approve' } })).body.status).toBe(
      'active',
    );
    const c = await file({ examinerId: 'insp-1' });
    await eventually(async () => h.mails.find((m) => m.to.includes(complainant.email) && m.subject === `Complaint ${c.trackingNumber}: received`));
    expect((await publicStatus(c.trackingNumber, c.secret)).body).toMatchObject({ trackingNumber: c.trackingNumber, status: 'received', outcome: null });
    const wrong = await publicStatus(c.trackingNumber, 'not-the-secret');
    const unknown = await publicStatus('TS20260101DEADBEEF', c.secret);
    expect([wrong.status, unknown.status]).toEqual([404, 404]);
    expect(wrong.body).toEqual(unknown.body);

    // Staff see the case, never the identity, unless a handler reveals it (recorded).
    const staffView = await h.api('GET', `/v1/complaints/${c.id}`, { as: 'handler-1' });
    expect(JSON.stringify(staffView.body)).not.toContain(complainant.email);
    expect(JSON.stringify((await h.db('complaints').where({ id: c.id }).first()) ?? {})).not.toContain(complainant.email);
    expect((await h.api('GET', `/v1/complaints/${c.id}/identity`, { as: 'insp-2' })).status).toBe(403);
    const identity = await h.api('GET', `/v1/complaints/${c.id}/identity`, { as: 'handler-1' });
    expect(identity.body.contact).toEqual(complainant);

    const triaged = await act(c.id, 'triage', 'handler-1', {
      category: 'out_of_scope_appraisal',
      severity: 'normal',
      stationId,
      sessionId,
      examinerId: 'insp-1',
    });
    expect(triaged.status, JSON.stringify(triaged.body)).toBe(200);
    const facts = await eventually(async () => {
      const live = (await h.api('GET', `/v1/complaints/${c.id}`, { as: 'handler-1' })).body.live;
      return live.facts.length ? live.facts : undefined;
    });
    expect(facts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ check: 'out_of_scope', result: true }),
        expect.objectContaining({ check: 'cross_region', result: true }),
      ]),
    );

    // Recusal: insp-4 belongs to the station's organisation.
    expect((await act(c.id, 'investigator', 'handler-1', { investigatorId: 'insp-4' })).status).toBe(409);
    expect((await act(c.id, 'investigator', 'handler-1', { investigatorId: 'insp-2' })).status).toBe(200);
    expect((await act(c.id, 'finding', 'insp-5', { finding: 'substantiated', reasons: ['x'] })).status).toBe(404);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const found = await act(c.id, 'finding', 'insp-2', {
      finding: 'substantiated',
      reasons: ['sessions held above the licensed level'],
      actions: [{ type: 'adhoc_inspection' }, { type: 'suspend_examiner', until }],
    });
    expect(found.status, JSON.stringify(found.body)).toBe(200);

    // The actions happen in their own processes.
    const inspection = await eventually(async () =>
      (await h.api('GET', `/v1/inspections?stationId=${stationId}`, { as: 'sup-1' })).body.items.find((i: { id: string }) => i.id === `K${c.id}-S${stationId}`),
    );
    expect(inspection).toMatchObject({ kind: 'ad_hoc', status: 'awaiting_team' });
    const timeline = await eventually(async () => {
      const items = (await h.api('GET', `/v1/complaints/${c.id}/timeline`, { as: 'sup-1' })).body.items.map((e: { action: string }) => e.action);
      return items.includes('action_examiner_suspended') ? items : undefined;
    });
    expect(timeline).toEqual(
      expect.arrayContaining([
        'received',
        'identity_revealed',
        'triaged',
        'checks_completed',
        'investigator_assigned',
        'finding_substantiated',
        'action_inspection_started',
      ]),
    );
    // The examiner's suspension shows in the qualification process and in every eligibility check.
    const suspended = await eventually(async () => {
      const q = (await h.api('GET', `/v1/qualifications/${qualificationId}`, { as: 'sup-1' })).body;
      return q.record.status === 'suspended' ? q : undefined;
    });
    expect(suspended.live.suspension).toMatchObject({ until, by: `complaint:${c.id}` });
    expect((await h.api('GET', '/v1/examiners/insp-1', { as: 'sup-1' })).body.status).toBe('suspended');
    // The station's next routine inspection is brought closer by the substantiated complaint.
    await eventually(async () => (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body.programme?.substantiatedComplaintsAt.length === 1);

    const outcome = await eventually(async () => {
      const b = (await publicStatus(c.trackingNumber, c.secret)).body;
      return b.appealOpen ? b : undefined;
    });
    expect(outcome).toMatchObject({ status: 'closed', outcome: { finding: 'substantiated' } });
    await eventually(async () => h.mails.find((m) => m.to.includes(complainant.email) && m.subject === `Complaint ${c.trackingNumber}: outcome`));

    const appealed = await publicAppeal(c.trackingNumber, c.secret, 'the examiner should be revoked');
    expect(appealed.status, JSON.stringify(appealed.body)).toBe(200);
    expect((await publicAppeal(c.trackingNumber, c.secret, 'again please')).status).toBe(409);
    // A different investigator: the first may not take the appeal.
    expect((await act(c.id, 'investigator', 'handler-1', { investigatorId: 'insp-2' })).status).toBe(409);
    expect((await act(c.id, 'investigator', 'handler-1', { investigatorId: 'insp-5' })).status).toBe(200);
    expect((await act(c.id, 'finding', 'insp-5', { finding: 'substantiated', reasons: ['confirmed on appeal'] })).body.status).toBe('final');
  });

  it('escalates a missed SLA up the ladder, and a supervisor can extend it', async () => {
    const c = await file({ category: 'fraudulent_appraisal', contact: undefined });
    expect((await h.api('GET', `/v1/complaints/${c.id}/identity`, { as: 'sup-1' })).body).toEqual({ anonymous: true, contact: null });
    await act(c.id, 'triage', 'handler-1', { category: 'fraudulent_appraisal', severity: 'serious', stationId });
    await act(c.id, 'investigator', 'handler-1', { investigatorId: 'insp-2' });
    // SLA 4 s: a reminder at 2 s, then one rung per 2 s.
    const rungs = await eventually(
      async () => {
        const items = (await h.api('GET', `/v1/complaints/${c.id}/timeline`, { as: 'sup-1' })).body.items.filter(
          (e: { action: string }) => e.action === 'escalated',
        );
        return items.length >= 3 ? items.map((e: { data: { rung: string } }) => e.data.rung) : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(rungs.slice(0, 3)).toEqual(['complaint_handler', 'supervisor', 'director']);
    await eventually(async () => h.mails.some((m) => m.subject === `Reminder: complaint ${c.trackingNumber} is due` && m.to.includes('liu.yang@szpt.example')));
    await eventually(async () =>
      h.mails.some((m) => m.subject.startsWith(`Escalation (level 3): complaint ${c.trackingNumber}`) && m.to.includes('director@hrss.example')),
    );
    // The supervisors' rung: those covering the station's place (Foshan, Guangdong, national), not Xiamen's.
    const supervisorRung = h.mails.find((m) => m.subject.startsWith(`Escalation (level 2): complaint ${c.trackingNumber}`))!;
    expect(supervisorRung.to).toEqual(expect.arrayContaining(['qiu.lan@fs.hrss.example', 'ou.yang@gd.hrss.example', 'wang.jun@hrss.example']));
    expect(supervisorRung.to).not.toContain('ye.qing@xm.hrss.example');
    const overdue = await h.api('GET', '/v1/complaints?overdue=true', { as: 'sup-1' });
    expect(overdue.body.items.map((r: { id: string }) => r.id)).toContain(c.id);
    const waiting = await h.api('GET', '/v1/complaints?pendingOnMe=true', { as: 'insp-2' });
    expect(waiting.body.items.map((r: { id: string }) => r.id)).toContain(c.id);
    expect((await h.api('GET', '/v1/complaints?pendingOnMe=true', { as: 'insp-5' })).body.items.map((r: { id: string }) => r.id)).not.toContain(c.id);

    expect((await act(c.id, 'extension', 'handler-1', { reasons: ['site visit needed'] })).status).toBe(403);
    expect((await act(c.id, 'extension', 'sup-1', { reasons: ['site visit needed'] })).status).toBe(200);

    expect((await h.api('GET', '/v1/complaints/statistics', { as: 'handler-1' })).status).toBe(403);
    const stats = (await h.api('GET', '/v1/complaints/statistics', { as: 'sup-1' })).body;
    expect(stats.open.bySeverity.serious).toBeGreaterThanOrEqual(1);
    expect(stats.open.byCategory.fraudulent_appraisal).toBeGreaterThanOrEqual(1);
    expect(stats.overdue).toBeGreaterThanOrEqual(1);
    // The first test's case closed on time with a substantiated finding at this station.
    expect(stats.slaCompliance.reduce((sum: number, p: { closed: number }) => sum + p.closed, 0)).toBeGreaterThanOrEqual(1);
    expect(stats.substantiatedRateByStation).toEqual(expect.arrayContaining([expect.objectContaining({ stationId, rate: 1 })]));
  });

  it('takes a critical complaint down the emergency path, and merges a duplicate', async () => {
    const critical = await file({ category: 'fraudulent_appraisal', description: 'Hundreds of certificates sold; candidates gathering at the station.' });
    await act(critical.id, 'triage', 'handler-1', { category: 'fraudulent_appraisal', severity: 'critical', stationId });
    const alarm = await eventually(async () => h.mails.find((m) => m.subject === `EMERGENCY: critical complaint ${critical.trackingNumber}`));
    expect(alarm.to.sort()).toEqual(['director@hrss.example', 'emergency@hrss.example']);

    const duplicate = await file({
      category: 'fraudulent_appraisal',
      description: 'Certificates are being sold at this station.',
      contact: { name: 'Zhao Yi', email: 'zhao.yi@mail.example' },
    });
    const merged = await act(duplicate.id, 'merge', 'handler-1', { intoId: critical.id });
    expect(merged.body.status).toBe('merged');
    await eventually(async () => (await h.api('GET', `/v1/complaints/${critical.id}`, { as: 'sup-1' })).body.live.mergedComplaints.includes(duplicate.id));
  });

  it('answers a consultation, and converts another into a complaint', async () => {
    const asked = await file({ kind: 'consultation', category: 'certificate_problem', description: 'How do I check whether my certificate is genuine?' });
    expect((await act(asked.id, 'answer', 'insp-2', { answer: 'x' })).status).toBe(403);
    const answered = await act(asked.id, 'answer', 'handler-1', { answer: 'Use the public certificate check with the certificate number.' });
    expect(answered.body.status).toBe('answered');
    await eventually(async () => h.mails.find((m) => m.subject === `Complaint ${asked.trackingNumber}: answer` && m.text.includes('public certificate check')));

    const number = certificateNumber(7101);
    await registerCertificates(h, [fixtureCertificate(number, '钱文静', stationId)]);
    const converted = await file({
      kind: 'consultation',
      category: 'certificate_problem',
      certificateNumber: number,
      description: 'My certificate number is not accepted by employers.',
    });
    expect((await act(converted.id, 'convert', 'handler-1', {})).body.status).toBe('received');
    await act(converted.id, 'triage', 'handler-1', { category: 'certificate_problem', severity: 'normal', stationId });
    await act(converted.id, 'investigator', 'handler-1', { investigatorId: 'insp-2' });
    const found = await act(converted.id, 'finding', 'insp-2', {
      finding: 'substantiated',
      reasons: ['certificate issued without an appraisal'],
      actions: [{ type: 'invalidate_certificate' }, { type: 'propose_station_sanction' }],
    });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    const publicCheck = (n: string) => h.api('GET', `/v1/public/certificates/${n}?name=${encodeURIComponent('钱文静')}`);
    await eventually(async () => (await publicCheck(number)).body.status === 'revoked');
    // A number nobody issued is not found, never "valid".
    expect((await publicCheck(certificateNumber(7199))).status).toBe(404);
    await eventually(async () => h.mails.find((m) => m.subject === `Proposed sanction: station ${stationId}`));
  });

  it('limits public intake per address and refuses bad input naming the field', async () => {
    const bad = await h.api('POST', '/v1/public/complaints', { body: { category: 'rumour', happenedOn: 'yesterday', description: 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'category', code: 'invalid_choice' }),
        expect.objectContaining({ field: 'happenedOn', code: 'invalid_date' }),
        expect.objectContaining({ field: 'description', code: 'too_short', limit: 10 }),
      ]),
    );
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (
          await h.api('POST', '/v1/public/complaints', {
            body: { category: 'other', happenedOn: '2026-11-01', description: 'Filing again and again to test the limit.' },
          })
        ).status,
      );
    expect(statuses).toContain(429);
  });
});
