import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { COMPLAINT_CASE } from '../../db/queries/complaints';
import { complaintWorkflowId } from '../../workflows/complaint.messages';
import { eventually, startHarness, type Harness } from '../support/harness';
import { appraisalSession, licenseStation, qualifyExaminer } from '../support/fixtures';

/**
 * Complaints stay inside the caller's jurisdictions (security findings 3 and 6, issue 13): triage and merge
 * cannot name what the caller may not see, and answer for it exactly as for what does not exist; every
 * identity reveal is on the persisted trail, with the revealer's role, before the identity is shown.
 */
let h: Harness;
let foshan: number;
let xiamen: number;
let foshanSession: string;
beforeAll(async () => {
  h = await startHarness();
  // The Foshan station is the example's (南海机械厂, in 440600).
  foshan = await licenseStation(h, 'admin-1');
  xiamen = await licenseStation(h, 'admin-2', {
    ...example,
    organisation: { name: '厦门重型机械有限公司', creditCode: '91350200MA31XMHM0K' },
    declaredAffiliations: ['厦门港务培训学校'],
    stationName: '厦门重型机械职业技能鉴定站',
    region: { provinceCode: '350000', cityCode: '350200' },
    address: '福建省厦门市海沧区海沧大道9号',
  });
  for (const examiner of ['exam-1', 'exam-2']) await qualifyExaminer(h, examiner);
  const session = await h.api('POST', `/v1/stations/${foshan}/sessions`, { as: 'admin-1', body: appraisalSession() });
  expect(session.status, JSON.stringify(session.body)).toBe(201);
  foshanSession = session.body.sessionId;
});
afterAll(async () => h?.close());

const complainant = { name: 'Lin Mei', email: 'lin.mei@mail.example' };
async function file(stationId: number, contact?: typeof complainant) {
  const res = await h.api('POST', '/v1/public/complaints', {
    body: {
      category: 'fraudulent_appraisal',
      stationId,
      happenedOn: '2026-11-01',
      description: 'Candidates were passed without sitting the practical test.',
      ...(contact ? { contact } : {}),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return eventually(async () => (await h.db('complaints').where({ tracking_number: res.body.trackingNumber }).first('id'))?.id as string | undefined);
}
const act = (id: string, path: string, as: string, body: unknown) => h.api('POST', `/v1/complaints/${id}/${path}`, { as, body });
const view = async (id: string, as: string) => (await h.api('GET', `/v1/complaints/${id}`, { as })).body;
const actions = async (id: string) =>
  ((await h.api('GET', `/v1/complaints/${id}/timeline`, { as: 'sup-1' })).body.items as Array<{ action: string }>).map((e) => e.action);
const triage = (targets: Record<string, unknown>) => ({ category: 'fraudulent_appraisal', severity: 'normal', ...targets });

describe('complaints across jurisdictions', () => {
  it('refuses triage naming a station or session outside the caller’s jurisdiction exactly like an unknown one, and leaves the case as it was', async () => {
    const inXiamen = await file(xiamen);
    const outside = await act(inXiamen, 'triage', 'sup-xm', triage({ stationId: foshan }));
    const unknown = await act(inXiamen, 'triage', 'sup-xm', triage({ stationId: 999_999 }));
    expect([outside.status, unknown.status]).toEqual([400, 400]);
    expect(outside.body).toEqual(unknown.body);
    expect(outside.body.error.details).toEqual([{ field: 'stationId', code: 'no_such_station', message: 'no such station' }]);
    expect(JSON.stringify(outside.body)).not.toMatch(/南海机械厂/);
    // A session held by the Foshan station would move the case to Foshan just the same.
    const outsideSession = await act(inXiamen, 'triage', 'sup-xm', triage({ stationId: xiamen, sessionId: foshanSession }));
    const unknownSession = await act(inXiamen, 'triage', 'sup-xm', triage({ stationId: xiamen, sessionId: 'no-such-session' }));
    expect([outsideSession.status, unknownSession.status]).toEqual([400, 400]);
    expect(outsideSession.body).toEqual(unknownSession.body);
    expect(outsideSession.body.error.details).toEqual([{ field: 'sessionId', code: 'no_such_session', message: 'no such session' }]);

    // Still the Xiamen supervisor's case, untouched.
    const after = await view(inXiamen, 'sup-xm');
    expect(after.record).toMatchObject({ status: 'received', stationId: xiamen, provinceCode: null });
    expect(after.live).toMatchObject({ status: 'received', targets: { stationId: xiamen }, targetOrganisations: [] });
    expect(await actions(inXiamen)).not.toContain('triaged');

    // A Foshan handler naming the Xiamen station on a Foshan case: the same.
    const inFoshan = await file(foshan);
    const fromFoshan = await act(inFoshan, 'triage', 'sup-fs', triage({ stationId: xiamen }));
    expect(fromFoshan.body).toEqual(unknown.body);
    expect(JSON.stringify(fromFoshan.body)).not.toContain('厦门');

    // Inside the jurisdiction, triage goes through and the case stays in sight.
    const inside = await act(inXiamen, 'triage', 'sup-xm', triage({ stationId: xiamen }));
    expect(inside.status, JSON.stringify(inside.body)).toBe(200);
    expect(inside.body.targetOrganisations).toEqual(['厦门重型机械有限公司', '厦门港务培训学校']);
    await eventually(async () => (await view(inXiamen, 'sup-xm')).record?.status === 'triaged');
  });

  it('refuses a merge into a complaint the caller cannot see exactly like one into an unknown complaint, changing neither case', async () => {
    const duplicate = await file(xiamen);
    const foshanCase = await file(foshan);
    expect((await h.api('GET', `/v1/complaints/${foshanCase}`, { as: 'sup-xm' })).status).toBe(404);
    const outside = await act(duplicate, 'merge', 'sup-xm', { intoId: foshanCase });
    const unknown = await act(duplicate, 'merge', 'sup-xm', { intoId: ulid() });
    expect([outside.status, unknown.status]).toEqual([400, 400]);
    expect(outside.body).toEqual(unknown.body);
    expect(outside.body.error.details).toEqual([{ field: 'intoId', code: 'no_such_complaint', message: 'no such complaint' }]);

    expect((await view(duplicate, 'sup-xm')).live).toMatchObject({ status: 'received', mergedComplaints: [] });
    expect((await view(duplicate, 'sup-xm')).live.mergedInto).toBeUndefined();
    expect((await view(foshanCase, 'sup-1')).live).toMatchObject({ status: 'received', mergedComplaints: [] });
    expect(await actions(duplicate)).not.toContain('merged');
    expect(await actions(foshanCase)).not.toContain('duplicate_merged');

    // Into a Xiamen case, the same merge goes through.
    const xiamenCase = await file(xiamen);
    const merged = await act(duplicate, 'merge', 'sup-xm', { intoId: xiamenCase });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body.status).toBe('merged');
    await eventually(async () => (await view(xiamenCase, 'sup-xm')).live.mergedComplaints.includes(duplicate));
  });

  it('writes every identity reveal to the persisted trail, with the revealer and their role, before the identity is shown', async () => {
    const named = await file(xiamen, complainant);
    const revealed = async (id: string, as: string) => {
      const res = await h.api('GET', `/v1/complaints/${id}/identity`, { as });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.contact).toEqual(complainant);
      // Already in MySQL when the identity arrives: no waiting.
      const requestId = res.headers.get('x-request-id');
      const row = await h.db('events').where({ case_type: COMPLAINT_CASE, case_id: id, action: 'identity_revealed', request_id: requestId }).first();
      expect(row, `events row for ${as}`).toMatchObject({ actor_id: as });
      return { requestId, role: row.actor_role as string };
    };
    expect((await revealed(named, 'sup-xm')).role).toBe('supervisor');
    expect((await revealed(named, 'handler-1')).role).toBe('complaint_handler');
    // sup-fs is also a complaint handler: the route's first role she holds.
    const inFoshan = await file(foshan, complainant);
    expect((await revealed(inFoshan, 'sup-fs')).role).toBe('complaint_handler');

    const timeline = (await h.api('GET', `/v1/complaints/${named}/timeline`, { as: 'sup-xm' })).body.items as Array<Record<string, unknown>>;
    const reveals = timeline.filter((e) => e.action === 'identity_revealed');
    expect(reveals.map((e) => [e.actorId, e.actorRole])).toEqual([
      ['sup-xm', 'supervisor'],
      ['handler-1', 'complaint_handler'],
    ]);
    expect(reveals.every((e) => typeof e.requestId === 'string' && typeof e.at === 'string')).toBe(true);

    // A case whose process has ended (merged) still records the reveal before showing it.
    const duplicate = await file(xiamen, complainant);
    expect((await act(duplicate, 'merge', 'sup-xm', { intoId: named })).status).toBe(200);
    await eventually(async () => (await h.temporal.workflow.getHandle(complaintWorkflowId(duplicate)).describe()).status.name === 'COMPLETED');
    const late = await revealed(duplicate, 'sup-xm');
    const last = ((await h.api('GET', `/v1/complaints/${duplicate}/timeline`, { as: 'sup-xm' })).body.items as Array<Record<string, unknown>>).at(-1);
    expect(last).toMatchObject({ action: 'identity_revealed', actorId: 'sup-xm', actorRole: 'supervisor', requestId: late.requestId, statusAfter: 'merged' });

    // Nothing to reveal on an anonymous complaint, and nothing recorded.
    const anonymous = await file(xiamen);
    expect((await h.api('GET', `/v1/complaints/${anonymous}/identity`, { as: 'sup-xm' })).body).toEqual({ anonymous: true, contact: null });
    expect(await actions(anonymous)).not.toContain('identity_revealed');
  });
});
