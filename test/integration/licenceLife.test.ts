import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DueTime } from '../../workflows/searchAttributes';
import { appraisalSession, checklistScores, licenseStation } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * The life of a station licence on a seconds-scale policy: a licence valid 45 s, reminded 30 s and 15 s before it
 * runs out. Three stations licensed together: A files its renewal before expiry (kept active past validUntil, then
 * renewed), B files none (lapses: sessions refused, programme paused, dropped from the public list, mailed), C files
 * after its lapse (revived from the decision date).
 */
let h: Harness;
const stations: Record<'a' | 'b' | 'c', number> = { a: 0, b: 0, c: 0 };
const VALIDITY_MS = 45_000;

beforeAll(async () => {
  h = await startHarness({
    stationApproval: { licenceValidity: 'PT45S' },
    // Routine inspections fall due 8 s after licensing: the programme keeps its cycle beside the licence's clock.
    programme: { licenceReminders: ['PT30S', 'PT15S'], demonstrationAfterConsecutiveA: 1, intervals: { unrated: 'PT8S' } },
    licence: { deadlines: { renewalDecision: 'PT1H' } },
  });
  stations.b = await licenseStation(h, 'admin-2');
  // B becomes a confirmed demonstration station, listed publicly while its licence is valid.
  await confirmDemonstration(stations.b);
  stations.a = await licenseStation(h, 'admin-1');
  stations.c = await licenseStation(h, 'admin-1');
}, 120_000);
afterAll(async () => h?.close());

const station = async (id: number) => (await h.api('GET', `/v1/stations/${id}`, { as: 'sup-1' })).body;
const timeline = async (id: number) =>
  (await h.api('GET', `/v1/stations/${id}/timeline`, { as: 'sup-1' })).body.items as Array<{ action: string; data?: Record<string, unknown> }>;

async function post(path: string, as: string, body: unknown, status = 200) {
  const res = await h.api('POST', path, { as, body });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

async function confirmDemonstration(stationId: number) {
  const { id } = await post('/v1/inspections', 'sup-1', { stationId, reason: 'first inspection' }, 201);
  const act = (path: string, as: string, body: unknown = {}) => post(`/v1/inspections/${id}/${path}`, as, body);
  await act('team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
  for (const member of ['insp-1', 'insp-2']) await act('acknowledge', member);
  for (const member of ['insp-1', 'insp-2']) await act('scores', member, { scores: checklistScores() });
  await act('report', 'insp-1', { summary: 'every item met' });
  await act('review', 'sup-2', { outcome: 'pass' });
  await eventually(async () => (await station(stationId)).programme?.demonstration === 'candidate');
  await post(`/v1/stations/${stationId}/demonstration`, 'sup-1', { confirm: true, reasons: ['rated A'] });
}

const documents = [{ kind: 'business_licence', reference: 'scan/business-licence-2027.pdf' }];
const publicList = async () => ((await h.api('GET', '/v1/public/demonstration-stations')).body.items as Array<{ id: number }>).map((s) => s.id);

describe('the life of a station licence', () => {
  it('reminds the station at each offset before validUntil, once each, on its timeline and by mail', async () => {
    const { licenceNumber, validUntil } = await station(stations.a);
    const reminders = await eventually(
      async () => {
        const found = (await timeline(stations.a)).filter((e) => e.action === 'licence_reminder');
        return found.length === 2 ? found : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(reminders.map((e) => e.data?.offset)).toEqual(['PT30S', 'PT15S']);
    expect(reminders.every((e) => e.data?.validUntil === validUntil)).toBe(true);
    const mails = await eventually(async () => {
      const sent = h.mails.filter((m) => m.subject.includes(licenceNumber) && m.subject.startsWith('许可证即将到期'));
      return sent.length === 2 ? sent : undefined;
    });
    expect(mails[0].to).toContain('station-admin@nanhai-machinery.example');
    expect(mails[0].text).toContain('续期');
    expect((await timeline(stations.a)).map((e) => e.action)).toContain('routine_inspection_started');
  });

  it('keeps a station whose renewal was filed before expiry active past validUntil, then renews it', async () => {
    const before = await station(stations.a);
    expect(Date.now()).toBeLessThan(Date.parse(before.validUntil));
    const filed = await post(`/v1/stations/${stations.a}/licence-renewals`, 'admin-1', { documents, notes: '续期' }, 201);
    expect(filed).toMatchObject({ status: 'awaiting_decision', licence: { number: before.licenceNumber, validUntil: before.validUntil } });
    expect(filed.record).toMatchObject({ ratings: [], openRectifications: [], stationStatus: 'active' });
    // Filing again answers the same renewal (one per licence validity).
    const again = await post(`/v1/stations/${stations.a}/licence-renewals`, 'admin-1', { documents }, 201);
    expect(again.id).toBe(filed.id);

    // The supervisor finds it waiting on them.
    const inbox = await eventually(async () => {
      const res = await h.api('GET', '/v1/licence-renewals?pendingOnMe=true', { as: 'sup-1' });
      return (res.body.items as Array<{ id: string }>).find((r) => r.id === filed.id);
    });
    expect(inbox).toMatchObject({ status: 'awaiting_decision', pending: { action: 'decide', role: 'supervisor' } });

    // Past validUntil, the pending renewal keeps it active.
    await eventually(async () => Date.now() > Date.parse(before.validUntil) + 3_000, { timeoutMs: VALIDITY_MS });
    expect((await station(stations.a)).status).toBe('active');
    expect((await timeline(stations.a)).map((e) => e.action)).not.toContain('licence_lapsed');

    const decided = await post(`/v1/licence-renewals/${filed.id}/decision`, 'sup-2', { outcome: 'approve' });
    expect(decided.status).toBe('approved');
    const newUntil = decided.decision.validUntil as string;
    // From the decision (later than the old validUntil), one validity on.
    expect(Date.parse(newUntil) - Date.parse(decided.decision.at)).toBe(VALIDITY_MS);
    const renewed = await eventually(async () => {
      const s = await station(stations.a);
      return s.validUntil === newUntil ? s : undefined;
    });
    expect(renewed.status).toBe('active');
    expect(renewed.programme.licence).toMatchObject({ validUntil: newUntil, remindersSent: [] });
    expect(renewed.programme.licence.pendingRenewalId).toBeUndefined();
    await eventually(async () => h.mails.some((m) => m.subject.startsWith('续期已批准') && m.subject.includes(before.licenceNumber)));
    const trail = (await h.api('GET', `/v1/licence-renewals/${filed.id}/timeline`, { as: 'sup-1' })).body.items.map((e: { action: string }) => e.action);
    expect(trail).toEqual(expect.arrayContaining(['renewal_filed', 'renewal_approved']));
  });

  it('lapses a licence without a renewal: sessions refused, programme paused, dropped from the public list, the station mailed', async () => {
    const { licenceNumber } = await station(stations.b);
    const lapsed = await eventually(
      async () => {
        const s = await station(stations.b);
        return s.status === 'lapsed' ? s : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(lapsed.programme.status).toBe('lapsed');
    expect((await timeline(stations.b)).map((e) => e.action)).toContain('licence_lapsed');

    const refused = await h.api('POST', `/v1/stations/${stations.b}/sessions`, { as: 'admin-2', body: appraisalSession() });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'date', code: 'licence_lapsed' })]);

    // No routine inspection falls due: the programme shows no due time, and the register lists it as lapsed.
    const described = await eventually(async () => {
      const d = await h.temporal.workflow.getHandle(`station:${stations.b}`).describe();
      return d.typedSearchAttributes.get(DueTime) === undefined ? d : undefined;
    });
    expect(described.status.name).toBe('RUNNING');
    const register = await h.api('GET', '/v1/stations?status=lapsed', { as: 'sup-1' });
    expect(register.body.items.map((s: { id: number }) => s.id)).toContain(stations.b);

    expect(await publicList()).not.toContain(stations.b);
    await eventually(async () => h.mails.some((m) => m.subject.startsWith('许可证已失效') && m.subject.includes(licenceNumber)));
  });

  it('revives a lapsed station from the decision date when its renewal is approved', async () => {
    await eventually(async () => (await station(stations.c)).status === 'lapsed', { timeoutMs: 60_000 });
    const before = await station(stations.c);
    const filed = await post(`/v1/stations/${stations.c}/licence-renewals`, 'admin-1', { documents }, 201);
    expect(filed.record.stationStatus).toBe('lapsed');
    // Another administrator's station is not theirs to see; a rejection needs its reasons.
    expect((await h.api('GET', `/v1/licence-renewals/${filed.id}`, { as: 'admin-2' })).status).toBe(404);
    // A supervisor of another province (Fujian) neither sees nor decides a Foshan station's renewal.
    expect((await h.api('GET', `/v1/licence-renewals/${filed.id}`, { as: 'sup-fj' })).status).toBe(404);
    expect((await h.api('POST', `/v1/licence-renewals/${filed.id}/decision`, { as: 'sup-fj', body: { outcome: 'approve' } })).status).toBe(404);
    expect((await h.api('GET', '/v1/licence-renewals', { as: 'sup-fj' })).body.items).toEqual([]);
    expect((await h.api('POST', `/v1/licence-renewals/${filed.id}/decision`, { as: 'sup-1', body: { outcome: 'reject' } })).status).toBe(400);

    const decided = await post(`/v1/licence-renewals/${filed.id}/decision`, 'sup-1', { outcome: 'approve', reasons: ['documents in order'] });
    expect(Date.parse(decided.decision.validUntil)).toBe(Date.parse(decided.decision.at) + VALIDITY_MS);
    const revived = await eventually(async () => {
      const s = await station(stations.c);
      return s.status === 'active' && s.validUntil === decided.decision.validUntil ? s : undefined;
    });
    expect(Date.parse(revived.validUntil)).toBeGreaterThan(Date.parse(before.validUntil));
    expect(revived.programme.status).toBe('active');
    // Its programme resumes: the next routine inspection is due again.
    expect(Date.parse(revived.programme.nextDueAt)).toBeGreaterThan(Date.parse(decided.decision.at));
    const actions = (await timeline(stations.c)).map((e) => e.action);
    expect(actions.indexOf('renewal_decided')).toBeGreaterThan(actions.indexOf('licence_lapsed'));
    // A decided renewal is not filed again for the same validity.
    expect((await h.api('GET', `/v1/licence-renewals/${filed.id}`, { as: 'admin-1' })).body.record.status).toBe('approved');
  });
});
