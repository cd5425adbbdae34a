import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseType, DueTime } from '../../workflows/searchAttributes';
import { checklistScores, licenseStation } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * A station's supervision programme on a seconds-scale policy: routine inspections fall due every
 * 4 s after the last rating, and two A ratings in a row make a demonstration candidate.
 *
 * With 4 s intervals the programme keeps firing: an open routine inspection blocks the next one,
 * so R(n+1) only appears once R(n) has closed. Assertions look inspections up by id and wait with
 * `eventually` rather than counting what exists at one instant.
 */
let h: Harness;
let stationId: number;
beforeAll(async () => {
  h = await startHarness({
    programme: { intervals: { unrated: 'PT4S', A: 'PT4S', B: 'PT4S', C: 'PT4S', D: 'PT4S' }, demonstrationAfterConsecutiveA: 2 },
  });
  stationId = await licenseStation(h);
});
afterAll(async () => h?.close());

const routineId = (cycle: number) => `S${stationId}-R${cycle}`;
const station = async () => (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body;
const act = (id: string, path: string, as: string, body: unknown = {}) => h.api('POST', `/v1/inspections/${id}/${path}`, { as, body });
async function ok(id: string, path: string, as: string, body: unknown = {}) {
  const res = await act(id, path, as, body);
  expect(res.status, `${path} as ${as}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** Waits until the programme has started the given routine inspection and it is recorded. */
async function routineInspection(cycle: number) {
  const id = routineId(cycle);
  return eventually(
    async () => {
      const res = await h.api('GET', `/v1/inspections?stationId=${stationId}&limit=100`, { as: 'sup-1' });
      return (res.body.items as Array<{ id: string; kind: string; status: string; stationId: number }>).find((i) => i.id === id);
    },
    { timeoutMs: 30_000 },
  );
}

/** Team → acknowledgements → good scores → lead's report → review pass by sup-1: closed with an A. */
async function closeWithA(id: string, inspectorIds: [string, string]) {
  const [lead, other] = inspectorIds;
  await ok(id, 'team', 'sup-1', { inspectorIds, leadId: lead });
  await ok(id, 'acknowledge', lead);
  await ok(id, 'acknowledge', other);
  await ok(id, 'scores', lead, { scores: checklistScores() });
  expect((await ok(id, 'scores', other, { scores: checklistScores() })).status).toBe('awaiting_report');
  const reported = await ok(id, 'report', lead, { summary: 'all items in order' });
  expect(reported.result).toMatchObject({ rating: 'A', passed: true });
  const closed = await ok(id, 'review', 'sup-1', { outcome: 'pass' });
  expect(closed).toMatchObject({ status: 'closed', outcome: 'passed' });
}

describe('station programme', () => {
  it('schedules the first routine inspection, starts it when due and exposes the programme to operators', async () => {
    const licensed = await eventually(async () => {
      const s = await station();
      return s.nextInspectionDueAt && s.programme?.nextDueAt ? s : undefined;
    });
    expect(Number.isNaN(Date.parse(licensed.nextInspectionDueAt))).toBe(false);
    expect(Number.isNaN(Date.parse(licensed.programme.nextDueAt))).toBe(false);
    expect(licensed.programme).toMatchObject({ status: 'active', demonstration: 'none' });

    const r1 = await routineInspection(1);
    expect(r1).toMatchObject({ id: routineId(1), kind: 'routine', stationId, status: 'awaiting_team' });
    const programme = await eventually(async () => {
      const s = await station();
      return s.programme?.openRoutineInspectionId === routineId(1) ? s.programme : undefined;
    });
    expect(programme.cycle).toBe(1);

    // Operators find the programme in Temporal by its search attributes.
    const described = await h.temporal.workflow.getHandle(`station:${stationId}`).describe();
    expect(described.status.name).toBe('RUNNING');
    expect(described.typedSearchAttributes.get(CaseType)).toBe('station_programme');
    expect(described.typedSearchAttributes.get(DueTime)).toBeInstanceOf(Date);
    expect(described.searchAttributes.CaseType).toEqual(['station_programme']);
  });

  it('rotates the previous routine team out of the next cycle', async () => {
    await routineInspection(1);
    await closeWithA(routineId(1), ['insp-1', 'insp-2']);
    await eventually(async () => {
      const s = await station();
      return s.rating === 'A' && s.programme?.ratings?.length === 1 ? s : undefined;
    });

    // The next cycle starts only after R1 closed, some 4 s later.
    const r2 = routineId(2);
    expect(await routineInspection(2)).toMatchObject({ kind: 'routine', status: 'awaiting_team' });

    const rotated = await act(r2, 'team', 'sup-1', { inspectorIds: ['insp-1', 'insp-5'], leadId: 'insp-5' });
    expect(rotated.status).toBe(409);
    expect(rotated.body.error.message).toContain('rotation');
    expect(rotated.body.error.message).toContain('insp-1');

    const eligible = await h.api('GET', `/v1/inspections/${r2}/eligible-inspectors`, { as: 'sup-1' });
    expect(eligible.status).toBe(200);
    const refusals = Object.fromEntries(eligible.body.ineligible.map((r: { id: string; refusals: string[] }) => [r.id, r.refusals.join(' ')]));
    expect(refusals['insp-1']).toContain('rotation');
    expect(refusals['insp-2']).toContain('rotation');
    const eligibleIds = eligible.body.eligible.map((r: { id: string }) => r.id);
    expect(eligibleIds).not.toContain('insp-1');
    expect(eligibleIds).not.toContain('insp-2');
    expect(eligibleIds).toContain('insp-5');
    // insp-3 is affiliated with the training centre the station declared: recusal (回避).
    expect(refusals['insp-3']).toContain('recusal');

    await closeWithA(r2, ['insp-5', 'insp-7']);
  });

  it('makes a station rated A twice a demonstration candidate; a supervisor confirms it and it is listed publicly', async () => {
    const candidate = await eventually(async () => {
      const s = await station();
      return s.demonstration === 'candidate' && s.programme?.demonstration === 'candidate' ? s : undefined;
    });
    expect(candidate.programme.ratings.slice(-2)).toEqual(['A', 'A']);

    const asInspector = await h.api('POST', `/v1/stations/${stationId}/demonstration`, { as: 'insp-1', body: { confirm: true, reasons: ['two A ratings'] } });
    expect(asInspector.status).toBe(403);

    const confirmed = await h.api('POST', `/v1/stations/${stationId}/demonstration`, { as: 'sup-1', body: { confirm: true, reasons: ['two A ratings'] } });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.demonstration).toBe('confirmed');

    // Public and unauthenticated.
    const listed = await eventually(async () => {
      const res = await h.api('GET', '/v1/public/demonstration-stations', { as: null });
      expect(res.status).toBe(200);
      return (res.body.items as Array<{ id: number }>).find((s) => s.id === stationId);
    });
    expect(listed).toMatchObject({ id: stationId, rating: 'A', provinceCode: '440000', cityCode: '440600' });
    expect(listed).toHaveProperty('licenceNumber');

    // Decided once: the inspector is still refused by role, and the decision cannot be taken again.
    expect((await h.api('POST', `/v1/stations/${stationId}/demonstration`, { as: 'insp-1', body: { confirm: true, reasons: ['two A ratings'] } })).status).toBe(
      403,
    );
    expect((await h.api('POST', `/v1/stations/${stationId}/demonstration`, { as: 'sup-2', body: { confirm: false, reasons: ['again'] } })).status).toBe(409);
    await eventually(async () => ((await station()).demonstration === 'confirmed' ? true : undefined));
  });
});
