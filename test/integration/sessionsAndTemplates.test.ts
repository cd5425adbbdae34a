import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import routineChecklist from '../../db/seeds/checklist.station-routine.v1.json';
import { appraisalSession, guangzhouApplication, checklistScores, licenseStation, qualifyExaminer } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

/**
 * The session register (鉴定场次), checklist template versions under a running inspection, and who
 * may see and act on an inspection. Default policy: no routine inspection falls due during the run.
 */
let h: Harness;
/** admin-1's station (南海机械厂). */
let stationId: number;
/** admin-2's station (珠江技能有限公司). */
let otherStationId: number;
beforeAll(async () => {
  h = await startHarness();
  stationId = await licenseStation(h);
  otherStationId = await licenseStation(h, 'admin-2', guangzhouApplication);
  // Qualified for the sessions' occupation at their level (exam-3's register entry has lapsed).
  for (const examiner of ['exam-1', 'exam-2']) await qualifyExaminer(h, examiner);
});
afterAll(async () => h?.close());

const validSession = () => appraisalSession({ date: '2027-03-01', expectedCandidates: 25 });
const register = (body: unknown, as = 'admin-1', id = stationId) => h.api('POST', `/v1/stations/${id}/sessions`, { as, body });
const sessions = async (as = 'sup-1') => {
  const res = await h.api('GET', `/v1/stations/${stationId}/sessions`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as Array<Record<string, any>>;
};
const fields = (res: { body: any }) => (res.body.error.details as Array<{ field: string }>).map((d) => d.field);

async function startInspection(id = stationId, reason = 'spot check') {
  const res = await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId: id, reason } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; template: { id: string; version: number; items: Array<{ id: string }> } };
}
const act = (id: string, path: string, as: string | null, body: unknown = {}) => h.api('POST', `/v1/inspections/${id}/${path}`, { as, body });
async function ok(id: string, path: string, as: string, body: unknown = {}) {
  const res = await act(id, path, as, body);
  expect(res.status, `${path} as ${as}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}
async function teamToFieldwork(id: string) {
  await ok(id, 'team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
  await ok(id, 'acknowledge', 'insp-1');
  expect((await ok(id, 'acknowledge', 'insp-2')).status).toBe('fieldwork');
}

describe('session register', () => {
  it('registers a session within scope, region and licence with qualified examiners, and refuses the others with the reason', async () => {
    const created = await register(validSession());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sessionId = created.body.sessionId as string;
    expect(sessionId).toBeTruthy();

    const listed = (await sessions('admin-1')).find((s) => s.id === sessionId);
    expect(listed).toMatchObject({
      occupationCode: '6-18-01-01',
      level: 3,
      date: '2027-03-01',
      site: validSession().site,
      expectedCandidates: 25,
      qualitySupervisorId: null,
    });
    expect([...listed!.examinerIds].sort()).toEqual(['exam-1', 'exam-2']);

    // The next day: the examiners are at the registered session on its own.
    const nextDay = () => ({ ...validSession(), date: '2027-03-02' });
    const refusals: Array<[string, unknown, string[]]> = [
      ['an occupation outside the licence', { ...nextDay(), occupationCode: '6-18-03-01' }, ['out of scope', '超范围', '6-18-03-01']],
      ['a level above the licensed level 3', { ...nextDay(), level: 2, examinerIds: ['exam-1', 'exam-2', 'insp-1'] }, ['out of scope', '超范围', 'level 2']],
      [
        'a site in another province',
        { ...nextDay(), site: { provinceCode: '350000', cityCode: '350100', address: '实训楼9号车间' } },
        ['cross-region', '跨地区', '350000'],
      ],
      ['a lapsed examiner', { ...nextDay(), examinerIds: ['exam-1', 'insp-6'] }, ['not active', 'insp-6']],
    ];
    for (const [what, body, words] of refusals) {
      const res = await register(body);
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(409);
      for (const word of words) expect(res.body.error.message, what).toContain(word);
    }

    const badDate = await register({ ...validSession(), date: '2027-13-01' });
    expect(badDate.status).toBe(400);
    expect(fields(badDate)).toContain('date');
    const { examinerIds: _dropped, ...withoutExaminers } = validSession();
    const noExaminers = await register(withoutExaminers);
    expect(noExaminers.status).toBe(400);
    expect(fields(noExaminers)).toContain('examinerIds');

    // Another station's administrator does not see this station at all.
    expect((await register(validSession(), 'admin-2')).status).toBe(404);
    expect((await h.api('GET', `/v1/stations/${stationId}/sessions`, { as: 'admin-2' })).status).toBe(404);

    // Nothing refused was registered.
    expect((await sessions()).map((s) => s.id)).toEqual([sessionId]);
  });

  it('lets a supervisor dispatch a quality supervisor to a session, and nobody else', async () => {
    const [session] = await sessions();
    const path = `/v1/sessions/${session.id}/quality-supervisor`;

    expect((await h.api('POST', path, { as: 'admin-1', body: { qualitySupervisorId: 'qs-1' } })).status).toBe(403);
    const dispatched = await h.api('POST', path, { as: 'sup-1', body: { qualitySupervisorId: 'qs-1' } });
    expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
    expect(dispatched.body).toMatchObject({ id: session.id, qualitySupervisor: { id: 'qs-1' } });

    expect((await sessions()).find((s) => s.id === session.id)?.qualitySupervisorId).toBe('qs-1');
    expect((await sessions('admin-1')).find((s) => s.id === session.id)?.qualitySupervisorId).toBe('qs-1');
  });
});

describe('checklist template versions', () => {
  it('keeps a running inspection on the version it started with while new inspections take the new one', async () => {
    const a = await startInspection(stationId, 'before the new checklist');
    expect(a.template).toMatchObject({ id: 'station-routine', version: 1 });
    expect((await h.api('GET', `/v1/inspections/${a.id}`, { as: 'sup-1' })).body.record.template).toEqual({ id: 'station-routine', version: 1 });

    const newItem = { id: 'site.safety', section: 'site_and_equipment', text: 'Fire safety equipment checked', weight: 5, maxScore: 10, critical: false };
    const published = await h.api('POST', '/v1/checklist-templates/station-routine/versions', { as: 'sup-1', body: { items: [...routineChecklist, newItem] } });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.version).toBe(2);
    expect((await h.api('GET', '/v1/checklist-templates/station-routine', { as: 'insp-1' })).body.version).toBe(2);

    const b = await startInspection(stationId, 'after the new checklist');
    expect(b.template.version).toBe(2);
    expect(b.template.items.map((i) => i.id)).toContain('site.safety');
    expect((await h.api('GET', `/v1/inspections/${b.id}`, { as: 'sup-1' })).body.record.template).toEqual({ id: 'station-routine', version: 2 });

    // A still runs on version 1: the new item is not part of its checklist.
    await teamToFieldwork(a.id);
    const extra = await act(a.id, 'scores', 'insp-1', { scores: checklistScores({ 'site.safety': 9 }) });
    expect(extra.status).toBe(400);
    expect(fields(extra)).toContain('scores');
    expect(extra.body.error.message).toContain('site.safety');
    await ok(a.id, 'scores', 'insp-1', { scores: checklistScores() });
    const scoredA = await ok(a.id, 'scores', 'insp-2', { scores: checklistScores() });
    expect(scoredA.status).toBe('awaiting_report');
    expect(scoredA.template.version).toBe(1);
    expect(Object.keys(scoredA.result.items)).not.toContain('site.safety');

    // B requires it.
    await teamToFieldwork(b.id);
    const missing = await act(b.id, 'scores', 'insp-1', { scores: checklistScores() });
    expect(missing.status).toBe(400);
    expect(fields(missing)).toContain('scores');
    expect(missing.body.error.message).toContain('site.safety');
    await ok(b.id, 'scores', 'insp-1', { scores: checklistScores({ 'site.safety': 9 }) });
    const scoredB = await ok(b.id, 'scores', 'insp-2', { scores: checklistScores({ 'site.safety': 8 }) });
    expect(scoredB.status).toBe('awaiting_report');
    expect(scoredB.result.items['site.safety']).toBe(8.5);
  });
});

describe('who may see and act on an inspection', () => {
  it('hides an inspection from those outside it and refuses actions outside one’s role', async () => {
    const mine = await startInspection(stationId, 'access check');
    const theirs = await startInspection(otherStationId, 'access check, other station');

    // The station's administrator may read it but not assign its team.
    const readByAdmin = await h.api('GET', `/v1/inspections/${mine.id}`, { as: 'admin-1' });
    expect(readByAdmin.status).toBe(200);
    expect(readByAdmin.body.record).toMatchObject({ id: mine.id, stationId });
    expect((await act(mine.id, 'team', 'admin-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' })).status).toBe(403);
    await ok(mine.id, 'team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });

    // An inspector not on the team: as if it did not exist.
    expect((await h.api('GET', `/v1/inspections/${mine.id}`, { as: 'insp-5' })).status).toBe(404);
    expect((await h.api('GET', `/v1/inspections/${mine.id}/timeline`, { as: 'insp-5' })).status).toBe(404);
    expect((await act(mine.id, 'acknowledge', 'insp-5')).status).toBe(404);
    expect((await act(mine.id, 'scores', 'insp-5', { scores: checklistScores() })).status).toBe(404);
    expect((await h.api('GET', '/v1/inspections?limit=100', { as: 'insp-5' })).body.items.map((i: { id: string }) => i.id)).not.toContain(mine.id);
    // A member of the team sees it.
    expect((await h.api('GET', `/v1/inspections/${mine.id}`, { as: 'insp-2' })).status).toBe(200);
    expect((await h.api('GET', '/v1/inspections?limit=100', { as: 'insp-2' })).body.items.map((i: { id: string }) => i.id)).toContain(mine.id);

    // Another station's administrator.
    expect((await h.api('GET', `/v1/inspections/${mine.id}`, { as: 'admin-2' })).status).toBe(404);
    expect((await act(mine.id, 'rectification', 'admin-2', { report: 'not mine' })).status).toBe(404);

    // A station administrator's list holds their station's inspections only.
    const listed1 = await h.api('GET', '/v1/inspections?limit=100', { as: 'admin-1' });
    expect(listed1.status).toBe(200);
    const ids1 = listed1.body.items.map((i: { id: string }) => i.id);
    expect(ids1).toContain(mine.id);
    expect(ids1).not.toContain(theirs.id);
    expect(listed1.body.items.every((i: { stationId: number }) => i.stationId === stationId)).toBe(true);
    const listed2 = await h.api('GET', '/v1/inspections?limit=100', { as: 'admin-2' });
    expect(listed2.body.items.map((i: { id: string }) => i.id)).toEqual([theirs.id]);
    // Asking for another station's by filter does not widen it.
    expect((await h.api('GET', `/v1/inspections?stationId=${stationId}`, { as: 'admin-2' })).body.items).toEqual([]);

    // No token; a role without access to inspections.
    expect((await h.api('GET', '/v1/inspections', { as: null })).status).toBe(401);
    expect((await h.api('GET', `/v1/inspections/${mine.id}`, { as: null })).status).toBe(401);
    expect((await act(mine.id, 'acknowledge', null)).status).toBe(401);
    expect((await h.api('GET', '/v1/inspections', { as: 'rev-2' })).status).toBe(403);
    expect((await h.api('GET', `/v1/inspections/${mine.id}`, { as: 'rev-2' })).status).toBe(403);
  });
});
