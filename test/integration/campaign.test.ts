import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../support/harness';
import { insertFixtureStations, type FixtureIds } from '../support/campaignStations';

/**
 * A supervisor's special inspection campaign (专项检查) over a few hundred stations: the filter picks
 * exactly the active stations of the province with the occupation in scope, one inspection each,
 * page by page, with progress that never runs ahead of the match count.
 */
const OCCUPATION = '6-18-01-01';
const MATCHING = 240;
const TIMEOUT_MS = 240_000;

let h: Harness;
let ids: FixtureIds;
beforeAll(async () => {
  h = await startHarness();
  // None of these stations has a programme workflow: inspections only log that they cannot signal it.
  ids = await insertFixtureStations(h.db, [
    { group: 'match', count: MATCHING, provinceCode: '440000', cityCode: '440600', status: 'active', occupations: [OCCUPATION, '6-31-01-03'] },
    { group: 'noOccupation', count: 40, provinceCode: '440000', cityCode: '440100', status: 'active', occupations: ['4-07-05-01'] },
    { group: 'otherProvince', count: 20, provinceCode: '350000', cityCode: '350100', status: 'active', occupations: [OCCUPATION, '4-07-05-01'] },
    { group: 'suspended', count: 5, provinceCode: '440000', cityCode: '440600', status: 'suspended', occupations: [OCCUPATION] },
  ]);
});
afterAll(async () => h?.close());

const campaignBody = { name: 'Q3 check of out-of-scope appraisal', filter: { provinceCode: '440000', occupationCode: OCCUPATION }, batchSize: 50 };

async function campaignInspections(campaignId: string): Promise<Array<{ id: string; station_id: number; kind: string; status: string }>> {
  return h.db('inspections').where({ campaign_id: campaignId }).select('id', 'station_id', 'kind', 'status');
}

async function visibleWorkflowIds(query: string): Promise<string[]> {
  const found: string[] = [];
  for await (const wf of h.temporal.workflow.list({ query })) found.push(wf.workflowId);
  return found;
}

interface Observation {
  status: string;
  matched: number;
  started: number;
  live: { matched: number; started: number; status: string } | null;
}

describe('special inspection campaign', () => {
  it('starts exactly one inspection per active matching station, reports progress, and is idempotent', async () => {
    expect(ids.match).toHaveLength(MATCHING);
    const idempotencyKey = `campaign-q3-${Date.now()}`;
    const post = () => h.api('POST', '/v1/campaigns', { as: 'sup-1', body: campaignBody, headers: { 'Idempotency-Key': idempotencyKey } });

    const t0 = Date.now();
    const created = await post();
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const campaignId = created.body.id as string;
    expect(campaignId).toMatch(/^[0-9A-Z]{26}$/);
    expect(created.body.progress.started).toBeLessThanOrEqual(created.body.progress.matched);

    // Progress as the API reports it, until the campaign completes.
    const seen: Observation[] = [];
    const done = await eventually(
      async () => {
        const res = await h.api('GET', `/v1/campaigns/${campaignId}`, { as: 'sup-1' });
        if (res.status === 404) return undefined; // not saved yet
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        seen.push({ status: res.body.status, matched: res.body.matched, started: res.body.started, live: res.body.live });
        return res.body.status === 'completed' ? res.body : undefined;
      },
      { timeoutMs: TIMEOUT_MS, intervalMs: 100 },
    );
    const fannedOutMs = Date.now() - t0;
    expect(done).toMatchObject({
      id: campaignId,
      name: campaignBody.name,
      filter: campaignBody.filter,
      status: 'completed',
      matched: MATCHING,
      started: MATCHING,
      createdBy: 'sup-1',
      live: null,
    });
    // 240 starts take seconds: the poll sees the campaign part-way through.
    expect(
      seen.some((o) => o.status === 'running' && o.started < MATCHING),
      JSON.stringify(seen),
    ).toBe(true);
    for (const [k, o] of seen.entries()) {
      expect(o.started, `observation ${k}: ${JSON.stringify(o)}`).toBeLessThanOrEqual(o.matched);
      expect(o.matched, `observation ${k}`).toBeLessThanOrEqual(MATCHING);
      if (o.live) expect(o.live.started, `observation ${k} (live): ${JSON.stringify(o)}`).toBeLessThanOrEqual(o.live.matched);
      if (k > 0) expect(o.started, `observation ${k}: progress went back`).toBeGreaterThanOrEqual(seen[k - 1].started);
    }

    // Each inspection writes its row on start: all 240, for exactly the matching stations.
    const rows = await eventually(async () => campaignInspections(campaignId), { timeoutMs: TIMEOUT_MS, intervalMs: 500, until: (r) => r.length >= MATCHING });
    const recordedMs = Date.now() - t0;
    expect(rows).toHaveLength(MATCHING);
    const stationIds = rows.map((r) => r.station_id).sort((a, b) => a - b);
    expect(stationIds).toEqual(ids.match);
    for (const other of [...ids.noOccupation, ...ids.otherProvince, ...ids.suspended]) expect(stationIds).not.toContain(other);
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['campaign']));
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['awaiting_team']));
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(ids.match.map((s) => `C${campaignId}-S${s}`)));
    expect(await h.db('inspections').whereNull('campaign_id').count({ n: '*' }).first()).toMatchObject({ n: 0 });

    // Temporal's visibility agrees (eventually consistent): 240 inspection workflows on this task queue.
    const inspectionsQuery = `CaseType = 'inspection' AND TaskQueue = '${h.taskQueue}'`;
    const workflowIds = await eventually(async () => visibleWorkflowIds(inspectionsQuery), {
      timeoutMs: 60_000,
      intervalMs: 1000,
      until: (w) => w.length >= MATCHING,
    });
    expect(workflowIds).toHaveLength(MATCHING);
    expect(new Set(workflowIds)).toEqual(new Set(ids.match.map((s) => `inspection:C${campaignId}-S${s}`)));

    const rate = (MATCHING / (fannedOutMs / 1000)).toFixed(1);
    console.log(`campaign fan-out: ${done.started} inspections started in ${fannedOutMs} ms (${rate}/s), all recorded in ${recordedMs} ms`);

    // The same request with the same Idempotency-Key: the same campaign, and nothing new started.
    const again = await post();
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.id).toBe(campaignId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await new Promise((r) => setTimeout(r, 2000));
    expect(await campaignInspections(campaignId)).toHaveLength(MATCHING);
    expect(await h.db('inspections').count({ n: '*' }).first()).toMatchObject({ n: MATCHING });
    expect(await h.db('campaigns').select('id')).toEqual([{ id: campaignId }]);
    expect(await visibleWorkflowIds(inspectionsQuery)).toHaveLength(MATCHING);
    expect(await visibleWorkflowIds(`CaseType = 'campaign' AND TaskQueue = '${h.taskQueue}'`)).toEqual([`campaign:${campaignId}`]);
    expect((await h.api('GET', `/v1/campaigns/${campaignId}`, { as: 'sup-1' })).body).toMatchObject({
      status: 'completed',
      matched: MATCHING,
      started: MATCHING,
    });

    // Only supervisors see campaigns, and only those covering where it was launched (here: the nation). Even
    // Foshan's, whose stations it inspected, gets the answer for an id that does not exist.
    expect((await h.api('GET', `/v1/campaigns/${campaignId}`, { as: 'admin-2' })).status).toBe(403);
    const unknownId = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    const unknown = await h.api('GET', `/v1/campaigns/${unknownId}`, { as: 'sup-xm' });
    expect(unknown.status).toBe(404);
    for (const as of ['sup-xm', 'sup-fs', 'sup-gd']) {
      const hidden = await h.api('GET', `/v1/campaigns/${campaignId}`, { as });
      expect({ status: hidden.status, body: hidden.body }, as).toEqual({
        status: 404,
        body: JSON.parse(JSON.stringify(unknown.body).replace(unknownId, campaignId)),
      });
    }
  }, 600_000);
});
