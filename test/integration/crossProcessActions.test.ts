import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../support/harness';
import { appraisalSession, licenseStation } from '../support/fixtures';

/**
 * A complaint finding's actions on other processes are recorded as what they did, read back from the target, and
 * an action that could not be applied as such (`action_…_failed` with the reason) on the case the investigator reads.
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
    body: { category: targets.certificateNumber ? 'certificate_problem' : 'examiner_misconduct', stationId, happenedOn: '2026-11-01', description: 'What the complainant saw at the session.', ...(targets.certificateNumber ? { certificateNumber: targets.certificateNumber } : {}) },
  });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  const id = await eventually(async () => (await h.db('complaints').where({ tracking_number: filed.body.trackingNumber }).first('id'))?.id as string | undefined);
  const triaged = await act(id, 'triage', 'handler-1', { category: targets.certificateNumber ? 'certificate_problem' : 'examiner_misconduct', severity: 'normal', stationId, ...(targets.examinerId ? { examinerId: targets.examinerId } : {}) });
  expect(triaged.status, JSON.stringify(triaged.body)).toBe(200);
  await eventually(async () => (await act(id, 'investigator', 'handler-1', { investigatorId: 'insp-2' })).status === 200);
  return id;
}

/** The case's timeline once the finding's actions are all recorded on it. */
async function afterFinding(id: string, actions: unknown[]): Promise<Entry[]> {
  const found = await act(id, 'finding', 'insp-2', { finding: 'substantiated', reasons: ['confirmed at the site'], actions });
  expect(found.status, JSON.stringify(found.body)).toBe(200);
  return eventually(async () => {
    const items: Entry[] = (await h.api('GET', `/v1/complaints/${id}/timeline`, { as: 'sup-1' })).body.items;
    return items.filter((e) => e.action.startsWith('action_')).length === actions.length ? items : undefined;
  });
}
const entry = (items: Entry[], action: string) => items.find((e) => e.action === action);

describe('cross-process actions report what they did', () => {
  it('suspends an examiner without a qualification cycle in the register, which refuses them on sessions and teams until the date passes', async () => {
    // An examiner in the register with an active qualification but no cycle running it: the demo world before its cycles.
    await h.db('examiners').insert({ id: 'insp-7', name: 'Ma Jun', organisation: 'Shenzhen Vocational Centre', email: 'ma.jun@szvc.example', national_id: '440305198503031234', region_code: '440300', status: 'active' });
    await h.db('qualifications').insert({ id: 'XP-QUAL-NO-CYCLE', examiner_id: 'insp-7', occupation_code: '6-18-01-01', level: 3, card_number: 'XP-NO-CYCLE-1', status: 'active', issued_at: new Date('2026-01-01T00:00:00Z'), expires_at: new Date('2029-01-01T00:00:00Z'), cycle: 1, summary: '{}', version: 1, created_at: new Date(), updated_at: new Date() });
    const until = new Date(Date.now() + 12_000).toISOString();
    const id = await investigated({ examinerId: 'insp-7' });
    const timeline = await afterFinding(id, [{ type: 'suspend_examiner', until }]);

    const suspended = entry(timeline, 'action_examiner_suspended');
    expect(suspended?.data).toMatchObject({ examinerId: 'insp-7', status: 'suspended', suspendedUntil: until, qualifications: [{ id: 'XP-QUAL-NO-CYCLE', status: 'no running cycle' }] });
    const register = (await h.api('GET', '/v1/examiners/insp-7', { as: 'sup-1' })).body;
    expect(register).toMatchObject({ status: 'suspended', suspendedUntil: until });
    const trail = (await h.api('GET', '/v1/examiners/insp-7/timeline', { as: 'sup-1' })).body.items;
    expect(trail).toEqual([expect.objectContaining({ action: 'examiner_suspended', actorId: `complaint:${id}`, statusAfter: 'suspended' })]);

    const session = await h.api('POST', `/v1/stations/${stationId}/sessions`, { as: 'admin-1', body: appraisalSession({ examinerIds: ['insp-7'] }) });
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
    expect(entry(timeline, 'action_examiner_suspension_failed')?.data).toMatchObject({ examinerId: 'KX-404', reason: 'KX-404 is not in the examiner register' });
    expect(await h.db('examiners').where({ id: 'KX-404' }).first()).toBeUndefined();
  });

  it('records the inspection it started as read back, and a start refused by the station as failed', async () => {
    const started = await afterFinding(await investigated({}), [{ type: 'adhoc_inspection' }]);
    expect(entry(started, 'action_inspection_started')?.data).toMatchObject({ stationId, inspectionId: expect.stringMatching(/^K/), workflow: 'RUNNING' });

    const id = await investigated({});
    await h.db('stations').where({ id: stationId }).update({ status: 'revoked' });
    try {
      const refused = await afterFinding(id, [{ type: 'adhoc_inspection' }]);
      expect(entry(refused, 'action_inspection_started')).toBeUndefined();
      expect(entry(refused, 'action_inspection_failed')?.data).toMatchObject({ stationId, reason: `station ${stationId} is revoked` });
    } finally {
      await h.db('stations').where({ id: stationId }).update({ status: 'active' });
    }
  });

  it('records a certificate invalidated, a station sanction proposed and a revocation proposed as read back', async () => {
    const id = await investigated({ examinerId: 'exam-2', certificateNumber: 'CERT-XP-0001' });
    const timeline = await afterFinding(id, [{ type: 'invalidate_certificate' }, { type: 'propose_station_sanction' }, { type: 'propose_revocation' }]);
    const certificate = (await h.api('GET', '/v1/public/certificates/CERT-XP-0001')).body;
    expect(entry(timeline, 'action_certificate_invalidated')?.data).toMatchObject({ certificateNumber: 'CERT-XP-0001', invalidatedAt: certificate.invalidatedAt });
    expect(entry(timeline, 'action_station_sanction_proposed')?.data).toMatchObject({ stationId, inspectionId: expect.stringMatching(/^K/), workflow: 'RUNNING' });
    expect(entry(timeline, 'action_revocation_proposed')?.data).toMatchObject({ examinerId: 'exam-2', proposedTo: expect.any(Number) });
  });
});
