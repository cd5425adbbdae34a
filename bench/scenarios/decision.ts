import { DEMO_USERS } from '../../db/seeds/demo';
import { complaintUpdates, complaintWorkflowId } from '../../workflows/complaint.messages';
import { scaled, type BenchContext } from '../env';
import { expectStatus } from '../http';
import { cpuMeter } from '../procs';
import { figure, medianCpu, type ScenarioReport } from '../report';
import { percentile, round, spread, summarise } from '../stats';

const FULL_SAMPLES = 100;
const handler = DEMO_USERS.find((u) => u.id === 'handler-1')!;
/** The actor exactly as the API makes it from the handler's token. */
const HANDLER = { id: handler.id, roles: handler.roles, jurisdictions: handler.jurisdictions };

/**
 * One decision, one at a time: a handler's triage of a received complaint through the API (find the
 * case, build the payload, the workflow's update: validated, applied, persisted by an activity, then
 * answered) against the raw `executeUpdate` of the same update on another such complaint. API and raw
 * samples alternate, so both see the same system.
 */
export async function decision(ctx: BenchContext, received: string[]): Promise<ScenarioReport> {
  const { env } = ctx;
  const samples = scaled(ctx, FULL_SAMPLES, 10);
  if (received.length < ctx.runs * samples * 2)
    throw new Error(`the decision scenario needs ${ctx.runs * samples * 2} received complaints, got ${received.length}`);
  const token = env.token(HANDLER.id);
  const cases = [...received];
  const body = { category: 'cross_region_appraisal', severity: 'normal' } as const;
  const api = async (id: string) => {
    expectStatus(await env.http.request('POST', `/v1/complaints/${id}/triage`, { token, body }), 200, 'triage');
  };
  const raw = async (id: string) => {
    const requestId = `bench-${id}`;
    await env.raw.workflow.getHandle(complaintWorkflowId(id)).executeUpdate(complaintUpdates.triage, {
      args: [{ actor: HANDLER, requestId, payload: { ...body, targets: {}, targetOrganisations: [] } }],
      updateId: `triage:${HANDLER.id}:${requestId}`,
    });
  };
  const runs = [];
  const cpu = [];
  for (let run = 0; run < ctx.runs; run++) {
    const latency = { api: [] as number[], raw: [] as number[] };
    const meter = cpuMeter(env.pids());
    const started = performance.now();
    for (let k = 0; k < samples; k++) {
      for (const side of k % 2 === 0 ? (['api', 'raw'] as const) : (['raw', 'api'] as const)) {
        const id = cases.pop()!;
        const t0 = performance.now();
        await (side === 'api' ? api(id) : raw(id));
        latency[side].push(performance.now() - t0);
      }
    }
    const wallMs = performance.now() - started;
    cpu.push(meter());
    const result = {
      api: summarise(latency.api, wallMs),
      raw: summarise(latency.raw, wallMs),
      ratioP95: round(percentile(latency.api, 95) / percentile(latency.raw, 95)),
    };
    ctx.log(`decision run ${run + 1}: API p95 ${result.api.p95} ms, raw executeUpdate p95 ${result.raw.p95} ms`);
    runs.push(result);
  }
  const ratios = runs.map((r) => r.ratioP95);
  return {
    id: 'decision',
    title: 'one decision (Update) round trip through the API',
    system: figure(
      'API p95',
      'ms',
      runs.map((r) => r.api.p95),
    ),
    baseline: figure(
      'raw executeUpdate p95',
      'ms',
      runs.map((r) => r.raw.p95),
    ),
    ratio: spread(ratios),
    target: 'p95 ≤ 1.3× the baseline',
    met: spread(ratios).median <= 1.3,
    // The baseline is the engine's own operation on the same workflow: its raw figure.
    engineRaw: 'baseline',
    extra: [
      figure(
        'API p50',
        'ms',
        runs.map((r) => r.api.p50),
      ),
      figure(
        'raw p50',
        'ms',
        runs.map((r) => r.raw.p50),
      ),
      figure(
        'API p99',
        'ms',
        runs.map((r) => r.api.p99),
      ),
    ],
    cpu: medianCpu(cpu),
    runs,
    settings: `${samples} triage decisions per side per run, one at a time, API and raw alternating, each on its own received complaint.`,
  };
}
