import { insertFixtureStations } from '../../test/support/campaignStations';
import { scaled, type BenchContext } from '../env';
import { expectStatus } from '../http';
import { cpuMeter, type CpuShare } from '../procs';
import { engineRawShare, figure, medianCpu, type ScenarioReport } from '../report';
import { round, spread, waitFor } from '../stats';

const FULL_STATIONS = 5000;
/** Stations per page (the API's default): the campaign starts a page's inspections at once, so its concurrency. */
const BATCH = 100;
/** The engine's raw figure per run: this many trivial starts at the page's concurrency (a few seconds). */
const FULL_RAW_STARTS = 600;
const TARGET_S = 120;
const OCCUPATION = '6-18-01-01';
/** One province per run (first two digits distinct: the fixtures' licence numbers carry them). */
const PROVINCES = ['410000', '420000', '430000', '450000', '460000', '510000', '520000'];

export interface CampaignRun {
  stations: number;
  startedS: number;
  recordedS: number;
  startsPerS: number;
  peakRssMB: number;
  endRssMB: number;
  /** The engine's raw figure in the same run, just before: trivial starts per second at the page's concurrency. */
  rawStartsPerS: number;
  /** Wall time of the whole run, fixtures and clean-up included: what another run would cost. */
  wallS: number;
  cpu: CpuShare;
}

/**
 * One run of a campaign over 5,000 active stations, through the API: POST /v1/campaigns, then GET until
 * it reports every inspection started, then until every inspection has written its row (so the next
 * run starts on an idle system). Each run has its own stations (inserted straight into MySQL, no
 * programme workflows) and a fresh worker process, whose RSS is sampled every 250 ms.
 */
export async function campaignRun(ctx: BenchContext, run: number): Promise<CampaignRun> {
  const { env } = ctx;
  const began = performance.now();
  const stations = scaled(ctx, FULL_STATIONS, 50);
  const token = env.token('sup-1');
  const provinceCode = PROVINCES[run % PROVINCES.length];
  const raw = await env.engineRawStarts(scaled(ctx, FULL_RAW_STARTS, 50), BATCH);
  await insertFixtureStations(env.owner, [
    { group: 'match', count: stations, provinceCode, cityCode: `${provinceCode.slice(0, 2)}0100`, status: 'active', occupations: [OCCUPATION] },
  ]);
  const rss = await env.freshWorkerSampled();
  const meter = cpuMeter(env.pids());
  const t0 = performance.now();
  try {
    const created = expectStatus(
      await env.http.request('POST', '/v1/campaigns', {
        token,
        body: { name: `Benchmark campaign ${run + 1}`, filter: { provinceCode, occupationCode: OCCUPATION }, batchSize: BATCH },
      }),
      201,
      'campaign',
    );
    const done = await waitFor(
      'campaign completed',
      async () => expectStatus(await env.http.request('GET', `/v1/campaigns/${created.id}`, { token }), 200, 'campaign progress'),
      (c) => c.status === 'completed',
      { timeoutMs: 900_000, intervalMs: 250 },
    );
    if (done.started !== stations || done.matched !== stations)
      throw new Error(`campaign started ${done.started} of ${done.matched} matched, expected ${stations}`);
    const startedS = (performance.now() - t0) / 1000;
    const cpu = meter();
    await waitFor(
      'inspections recorded',
      async () => Number((await env.db('inspections').where({ campaign_id: created.id }).count({ n: '*' }))[0].n),
      (n) => n >= stations,
      { timeoutMs: 900_000, intervalMs: 500 },
    );
    const recordedS = (performance.now() - t0) / 1000;
    const result = {
      stations,
      startedS: round(startedS),
      recordedS: round(recordedS),
      startsPerS: round(stations / startedS),
      peakRssMB: round(rss.peak()),
      endRssMB: round(env.workerRss()),
      rawStartsPerS: raw.throughput,
      cpu,
    };
    ctx.log(
      `campaign run ${run + 1}: ${stations} started in ${result.startedS} s, recorded in ${result.recordedS} s, worker RSS peak ${result.peakRssMB} MB; engine raw ${raw.throughput} starts/s`,
    );
    return { ...result, wallS: round((performance.now() - began) / 1000) };
  } finally {
    rss.stop();
    // The next run's campaign must match only its own stations.
    await env.owner('stations').where('application_id', 'like', 'fixture-%').delete();
  }
}

export function campaignReport(ctx: BenchContext, runs: CampaignRun[]): ScenarioReport {
  const started = spread(runs.map((r) => r.startedS));
  const rss = spread(runs.map((r) => r.peakRssMB));
  const stations = runs[0].stations;
  return {
    id: 'campaign',
    title: `campaign over ${stations.toLocaleString('en')} stations`,
    system: figure(
      'all inspections started',
      's',
      runs.map((r) => r.startedS),
    ),
    target: `all started ≤ ${TARGET_S} s; worker RSS ≤ 600 MB`,
    met: started.median <= TARGET_S && rss.median <= 600,
    engineRaw: engineRawShare(
      `trivial workflow.start, ${BATCH} callers`,
      runs.map((r) => r.rawStartsPerS),
      runs.map((r) => r.startsPerS),
    ),
    extra: [
      figure(
        'worker RSS peak',
        'MB',
        runs.map((r) => r.peakRssMB),
      ),
      figure(
        'starts',
        '/s',
        runs.map((r) => r.startsPerS),
      ),
      figure(
        'all inspections recorded in MySQL',
        's',
        runs.map((r) => r.recordedS),
      ),
      figure(
        'worker RSS at the end',
        'MB',
        runs.map((r) => r.endRssMB),
      ),
    ],
    cpu: medianCpu(runs.map((r) => r.cpu)),
    runs,
    settings: `${runs.length} of ${ctx.runs} runs (as many as the time budget allowed); ${stations} matching active stations per run (own province), the API's default batch (${BATCH} stations per page), a fresh worker per run; engine raw: ${scaled(ctx, FULL_RAW_STARTS, 50)} starts of a trivial workflow no worker polls, ${BATCH} callers, before each run.`,
  };
}
