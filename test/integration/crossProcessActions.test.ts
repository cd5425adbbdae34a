import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../support/harness';
import { appraisalSession, checklistScores, licenseStation } from '../support/fixtures';
import { certificateNumber, fixtureCertificate, registerCertificates } from '../support/certificates';

/**
 * A complaint finding's actions on other processes, and an inspection's sanctions on its station, are recorded as what
 * they did, read back from the target, and an action that could not be applied as such (`action_…_failed` with the
 * reason) on the case the investigator or supervisor reads.
 */
let h: Harness;
let stationId: number;
beforeAll(async () => {
  h = await startHarness();
  stationId = await licenseStation(h);
});
afterAll(async () => h?.close());

const act = (id: string, path: string, as: string, body: unknown) => h.api('POST', `/v1/complaints/${id}/${path}`, { as, body });
type Entry = { action: string; data?: Record<string, any> };

/** A complaint filed, triaged with the given targets and investigated by insp-2; returns its id. */
async function investigated(targets: { examinerId?: string; certificateNumber?: string }): Promise<string> {
  const filed = await h.api('POST', '/v1/public/complaints', {
    body: {
      category: targets.certificateNumber ? 'certificate_problem' : 'examiner_misconduct',
      stationId,
      happenedOn: '2026-11-01',
      description: 'What the complainant saw at the session.',
      ...(targets.certificateNumber ? { certificateNumber: targets.certificateNumber } : {}),
    },
  });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  const id = await eventually(
    async () => (await h.db('complaints').where({ tracking_number: filed.body.trackingNumber }).first('id'))?.id as string | undefined,
  );
  const triaged = await act(id, 'triage', 'handler-1', {
    category: targets.certificateNumber ? 'certificate_problem' : 'examiner_misconduct',
    severity: 'normal',
    stationId,
    ...(targets.examinerId ? { examinerId: targets.examinerId } : {}),
  });
  expect(triaged.status, JSON.stringify(triaged.body)).toBe(200);
  await eventually(async () => (await act(id, 'investigator', 'handler-1', { investigatorId: 'insp-2' })).status === 200);
  return id;
}

/** The case's timeline once the finding's actions, and the named station's programme told of it, are all recorded on it. */
async function afterFinding(id: string, actions: unknown[]): Promise<Entry[]> {
  const found = await act(id, 'finding', 'insp-2', { finding: 'substantiated', reasons: ['confirmed at the site'], actions });
  expect(found.status, JSON.stringify(found.body)).toBe(200);
  return eventually(async () => {
    const items: Entry[] = (await h.api('GET', `/v1/complaints/${id}/timeline`, { as: 'sup-1' })).body.items;
    return items.filter((e) => e.action.startsWith('action_')).length === actions.length + 1 ? items : undefined;
  });
}
const entry = (items: Entry[], action: string) => items.find((e) => e.action === action);

describe('cross-process actions report what they did', () => {
  it('suspends an examiner without a qualification cycle in the register, which refuses them on sessions and teams until the date passes', async () => {
    // An examiner in the register with an active qualification but no cycle running it: the demo world before its cycles.
    await h.db('examiners').insert({
      id: 'insp-7',
      name: '马骏',
      organisation: '深圳市职业训练中心',
      email: 'ma.jun@szvc.example',
      national_id: '440305198503031234',
      region_code: '440300',
      status: 'active',
    });
    await h.db('qualifications').insert({
      id: 'XP-QUAL-NO-CYCLE',
      examiner_id: 'insp-7',
      occupation_code: '6-18-01-01',
      level: 3,
      card_number: 'XP-NO-CYCLE-1',
      status: 'active',
      issued_at: new Date('2026-01-01T00:00:00Z'),
      expires_at: new Date('2029-01-01T00:00:00Z'),
      cycle: 1,
      summary: '{}',
      version: 1,
      created_at: new Date(),
      updated_at: new Date(),
    });
    const until = new Date(Date.now() + 12_000).toISOString();
    const id = await investigated({ examinerId: 'insp-7' });
    const timeline = await afterFinding(id, [{ type: 'suspend_examiner', until }]);

    const suspended = entry(timeline, 'action_examiner_suspended');
    expect(suspended?.data).toMatchObject({
      examinerId: 'insp-7',
      status: 'suspended',
      suspendedUntil: until,
      qualifications: [{ id: 'XP-QUAL-NO-CYCLE', status: 'no running cycle' }],
    });
    const register = (await h.api('GET', '/v1/examiners/insp-7', { as: 'sup-1' })).body;
    expect(register).toMatchObject({ status: 'suspended', suspendedUntil: until });
    const trail = (await h.api('GET', '/v1/examiners/insp-7/timeline', { as: 'sup-1' })).body.items;
    expect(trail).toEqual([expect.objectContaining({ action: 'examiner_suspended', actorId: `complaint:${id}`, statusAfter: 'suspended' })]);

    const session = await h.api('POST', `/v1/stations/${stationId}/sessions`, { as: 'admin-1', body: appraisalSession({ examinerIds: ['exam-2', 'insp-7'] }) });
    expect(session.status, JSON.stringify(session.body)).toBe(409);
    expect(session.body.error.message).toContain('insp-7');
    const inspection = (await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId, reason: 'spot check' } })).body.id as string;
    const team = await h.api('POST', `/v1/inspections/${inspection}/team`, { as: 'sup-1', body: { inspectorIds: ['insp-2', 'insp-7'], leadId: 'insp-2' } });
    expect(team.status, JSON.stringify(team.body)).toBe(409);
    expect(team.body.error.message).toContain('no active examiner qualification');

    // The suspension lifts itself when its date passes.
    await eventually(async () => (await h.api('GET', '/v1/examiners/insp-7', { as: 'sup-1' })).body.status === 'active', { timeoutMs: 20_000 });
    const eligible = (await h.api('GET', `/v1/inspections/${inspection}/eligible-inspectors`, { as: 'sup-1' })).body.eligible.map((p: { id: string }) => p.id);
    expect(eligible).toContain('insp-7');
  }, 60_000);

  it('suspends an examiner with a running cycle in the register and in the cycle, as read back', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const id = await investigated({ examinerId: 'exam-1' });
    const timeline = await afterFinding(id, [{ type: 'suspend_examiner', until }]);
    const data = entry(timeline, 'action_examiner_suspended')?.data;
    expect(data).toMatchObject({ examinerId: 'exam-1', status: 'suspended', suspendedUntil: until });
    expect(data?.qualifications.length).toBeGreaterThan(0);
    expect(data?.qualifications.every((q: { status: string }) => q.status === 'suspended')).toBe(true);
    expect((await h.api('GET', '/v1/examiners/exam-1', { as: 'sup-1' })).body.status).toBe('suspended');
  });

  it('records a suspension that could not be applied as failed, with the reason, and changes nothing', async () => {
    const id = await investigated({ examinerId: 'KX-404' });
    const timeline = await afterFinding(id, [{ type: 'suspend_examiner', until: new Date(Date.now() + 3_600_000).toISOString() }]);
    expect(entry(timeline, 'action_examiner_suspended')).toBeUndefined();
    expect(entry(timeline, 'action_examiner_suspension_failed')?.data).toMatchObject({
      examinerId: 'KX-404',
      reason: 'KX-404 is not in the examiner register',
    });
    expect(await h.db('examiners').where({ id: 'KX-404' }).first()).toBeUndefined();
  });

  it('records the inspection it started as read back, and a start refused by the station as failed', async () => {
    const started = await afterFinding(await investigated({}), [{ type: 'adhoc_inspection' }]);
    expect(entry(started, 'action_inspection_started')?.data).toMatchObject({ stationId, inspectionId: expect.stringMatching(/^K/), workflow: 'RUNNING' });

    const id = await investigated({});
    // The register says revoked, ahead of anything the (still running) programme writes while the finding is carried out.
    const { programme_version: version } = await h.db('stations').where({ id: stationId }).first('programme_version');
    await h.db('stations').where({ id: stationId }).update({ status: 'revoked', programme_version: 1_000_000 });
    try {
      const refused = await afterFinding(id, [{ type: 'adhoc_inspection' }]);
      expect(entry(refused, 'action_inspection_started')).toBeUndefined();
      expect(entry(refused, 'action_inspection_failed')?.data).toMatchObject({ stationId, reason: `station ${stationId} is revoked` });
    } finally {
      await h.db('stations').where({ id: stationId }).update({ status: 'active', programme_version: version });
    }
  });

  it('records a certificate revoked, a station sanction proposed and a revocation proposed as read back', async () => {
    const number = certificateNumber(7001);
    await registerCertificates(h, [fixtureCertificate(number, '周晓峰', stationId)]);
    const id = await investigated({ examinerId: 'exam-2', certificateNumber: number });
    const timeline = await afterFinding(id, [{ type: 'invalidate_certificate' }, { type: 'propose_station_sanction' }, { type: 'propose_revocation' }]);
    const certificate = (await h.api('GET', `/v1/public/certificates/${number}?name=${encodeURIComponent('周晓峰')}`)).body;
    expect(certificate).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    expect(entry(timeline, 'action_certificate_invalidated')?.data).toMatchObject({ certificateNumber: number, revokedAt: certificate.revokedAt });
    expect(entry(timeline, 'action_station_sanction_proposed')?.data).toMatchObject({
      stationId,
      inspectionId: expect.stringMatching(/^K/),
      workflow: 'RUNNING',
    });
    expect(entry(timeline, 'action_revocation_proposed')?.data).toMatchObject({ examinerId: 'exam-2', proposedTo: expect.any(Number) });
  });

  it("records the substantiated complaint on the station's programme as read back: its status and next inspection due", async () => {
    const timeline = await afterFinding(await investigated({}), []);
    const { programme } = (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body;
    expect(entry(timeline, 'action_station_complaint_recorded')?.data).toEqual({ stationId, status: 'active', nextDueAt: programme.nextDueAt });
    // The programme's policy brings the next inspection within a month of a substantiated complaint.
    expect(Date.parse(programme.nextDueAt) - Date.now()).toBeLessThanOrEqual(31 * 86_400_000);
  });

  let inspectionId: string;
  const inspect = async (path: string, as: string, body: unknown = {}) => {
    const res = await h.api('POST', `/v1/inspections/${inspectionId}/${path}`, { as, body });
    expect(res.status, `${path} as ${as}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body as { status: string; proposedSanction?: string };
  };
  /** The station reports its rectification, which the team finds still failing: the next rung of the ladder is proposed. */
  const failRectification = async () => {
    await inspect('rectification', 'admin-1', { report: 'records reorganised' });
    return inspect('verification', 'insp-1', { scores: { 'org.records': 1 } });
  };
  const inspectionTimeline = async (): Promise<Entry[]> => (await h.api('GET', `/v1/inspections/${inspectionId}/timeline`, { as: 'sup-1' })).body.items;

  it("records a sanction's suspension on the inspection with the station's status read back as suspended", async () => {
    const started = await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId, reason: 'records spot check' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    inspectionId = started.body.id;
    await inspect('team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
    await inspect('acknowledge', 'insp-1');
    await inspect('acknowledge', 'insp-2');
    await inspect('scores', 'insp-1', { scores: checklistScores({ 'org.records': 1 }) });
    await inspect('scores', 'insp-2', { scores: checklistScores({ 'org.records': 1 }) });
    await inspect('report', 'insp-1', { summary: 'candidate files missing' });
    await inspect('review', 'sup-1', { outcome: 'rectify', reasons: ['candidate files missing'] });
    expect(await failRectification()).toMatchObject({ status: 'awaiting_sanction', proposedSanction: 'warning' });
    await inspect('sanction', 'sup-1', { reasons: ['rectification failed'] });
    expect(await failRectification()).toMatchObject({ status: 'awaiting_sanction', proposedSanction: 'suspension' });
    await inspect('sanction', 'sup-1', { reasons: ['rectification failed twice'] });

    const timeline = await eventually(async () => {
      const items = await inspectionTimeline();
      return items.filter((e) => e.action === 'action_station_sanctioned').length === 2 ? items : undefined;
    });
    const [warned, suspended] = timeline.filter((e) => e.action === 'action_station_sanctioned');
    expect(warned.data).toMatchObject({ stationId, level: 'warning', status: 'active' });
    expect(suspended.data).toMatchObject({ stationId, level: 'suspension', status: 'suspended', nextDueAt: expect.any(String) });
    // Each follows the sanction it carried out.
    expect(timeline.findIndex((e) => e === suspended)).toBeGreaterThan(timeline.findIndex((e) => e.action === 'sanction_suspension'));
    const station = await eventually(async () => {
      const s = (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body;
      return s.status === 'suspended' ? s : undefined;
    });
    expect(station.programme.status).toBe('suspended');
  });

  it('records an action on a station whose programme has ended as failed, with the reason, and changes nothing', async () => {
    expect(await failRectification()).toMatchObject({ status: 'awaiting_sanction', proposedSanction: 'revocation' });
    await h.temporal.workflow.getHandle(`station:${stationId}`).terminate('the supervision programme ended');

    await inspect('sanction', 'sup-1', { reasons: ['rectification failed three times'] });
    const failed = await eventually(async () => entry(await inspectionTimeline(), 'action_station_sanction_failed'));
    expect(failed.data).toMatchObject({ stationId, level: 'revocation', reason: `the supervision programme of station ${stationId} has ended (terminated)` });
    expect((await inspectionTimeline()).filter((e) => e.action === 'action_station_sanctioned').map((e) => e.data?.level)).toEqual(['warning', 'suspension']);

    const timeline = await afterFinding(await investigated({}), []);
    expect(entry(timeline, 'action_station_complaint_recorded')).toBeUndefined();
    expect(entry(timeline, 'action_station_complaint_failed')?.data).toMatchObject({
      stationId,
      reason: `the supervision programme of station ${stationId} has ended (terminated)`,
    });
    expect((await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body.status).toBe('suspended');
  });
});
