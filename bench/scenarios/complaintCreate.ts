import { WithStartWorkflowOperation } from '@temporalio/client';
import { ulid } from 'ulid';
import { publicIntake } from '../../api/routes/complaints';
import { createSealer, type Sealer } from '../../platform/sealing';
import { CATEGORIES, intakeSchema } from '../../domain/complaint';
import type { complaint } from '../../workflows/complaint';
import { complaintRecorded, complaintWorkflow, complaintWorkflowId, type ComplaintInput } from '../../workflows/complaint.messages';
import { scaled, type BenchContext } from '../env';
import { expectStatus } from '../http';
import { cpuMeter } from '../procs';
import { figure, medianCpu, type ScenarioReport } from '../report';
import { closedLoop, round, spread, waitFor, type LoadResult } from '../stats';

const CONCURRENCY = 32;
const FULL_COUNT = 300;

/** A public complaint with a contact, so each case also mails its acknowledgement, as most do. */
function intakeBody(i: number) {
  return {
    category: CATEGORIES[i % CATEGORIES.length],
    happenedOn: '2026-05-01',
    description: `Benchmark complaint ${i}: the appraisal session was held at another site than registered.`,
    contact: { name: `Complainant ${i}`, email: `complainant.${i}@bench.example` },
  };
}

/** The workflow's input exactly as the intake route builds it. */
function workflowInput(ctx: BenchContext, sealer: Sealer, i: number): ComplaintInput {
  return publicIntake({ config: ctx.env.config, sealer }, ulid(), intakeSchema.parse(intakeBody(i))).input;
}

type Phase = 'api' | 'start' | 'updateWithStart';

/**
 * Complaint intake through the API (a plain start, then the API writes the case's first row and entry
 * itself and answers) against the raw `client.workflow.start` of the same workflow with the same input,
 * both at concurrency 32; and, as a reference, the raw update-with-start the API used to make (it
 * answered once the workflow had recorded the case), without HTTP.
 * Between phases the worker finishes what the previous phase left (every case recorded and its
 * acknowledgement mailed), so no phase pays for another's backlog.
 * Returns the ids of the cases created, all waiting for triage, for the decision scenario.
 */
export async function complaintCreate(ctx: BenchContext): Promise<{ report: ScenarioReport; received: string[] }> {
  const { env } = ctx;
  const count = scaled(ctx, FULL_COUNT, 20);
  const sealer = createSealer(env.config.sealingKey);
  let n = 0;
  const phases: Record<Phase, (i: number) => Promise<void>> = {
    api: async (i) => {
      const res = await env.http.request('POST', '/v1/public/complaints', { body: intakeBody(i) });
      expectStatus(res, 201, 'complaint intake');
    },
    start: async (i) => {
      const input = workflowInput(ctx, sealer, i);
      await env.raw.workflow.start<typeof complaint>(complaintWorkflow, { workflowId: complaintWorkflowId(input.id), taskQueue: env.taskQueue, args: [input] });
    },
    updateWithStart: async (i) => {
      const input = workflowInput(ctx, sealer, i);
      await env.raw.workflow.executeUpdateWithStart(complaintRecorded, {
        startWorkflowOperation: new WithStartWorkflowOperation<typeof complaint>(complaintWorkflow, {
          workflowId: complaintWorkflowId(input.id),
          taskQueue: env.taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [input],
        }),
      });
    },
  };
  const runs: Array<Record<Phase, LoadResult> & { cpu: Record<Phase, unknown> }> = [];
  const cpu = [];
  for (let run = 0; run < ctx.runs; run++) {
    // Alternate the order, so that neither side always runs on a warmer (or more loaded) system.
    const order: Phase[] = run % 2 === 0 ? ['api', 'start', 'updateWithStart'] : ['start', 'api', 'updateWithStart'];
    const result = {} as Record<Phase, LoadResult>;
    const cpuByPhase = {} as Record<Phase, ReturnType<ReturnType<typeof cpuMeter>>>;
    for (const phase of order) {
      const meter = cpuMeter(env.pids());
      result[phase] = await closedLoop(count, CONCURRENCY, (i) => phases[phase](n + i));
      cpuByPhase[phase] = meter();
      n += count;
      await drain(ctx, n);
      ctx.log(`complaint intake run ${run + 1} ${phase}: ${result[phase].throughput}/s, p95 ${result[phase].p95} ms`);
    }
    cpu.push(cpuByPhase.api);
    runs.push({ ...result, cpu: cpuByPhase });
  }
  const received: string[] = await env.db('complaints').where({ status: 'received' }).pluck('id');
  const ratios = runs.map((r) => r.api.throughput / r.start.throughput);
  return {
    received,
    report: {
      id: 'complaintCreate',
      title: 'create complaints through the API at concurrency 32',
      system: figure(
        'API',
        'req/s',
        runs.map((r) => r.api.throughput),
      ),
      baseline: figure(
        'raw workflow.start',
        'starts/s',
        runs.map((r) => r.start.throughput),
      ),
      ratio: spread(ratios.map((r) => round(r))),
      target: '≥ 0.8× the baseline throughput',
      met: spread(ratios).median >= 0.8,
      // The baseline is the engine's own operation on the same workflow: its raw figure.
      engineRaw: 'baseline',
      extra: [
        figure(
          'API p95',
          'ms',
          runs.map((r) => r.api.p95),
        ),
        figure(
          'raw workflow.start p95',
          'ms',
          runs.map((r) => r.start.p95),
        ),
        figure(
          "raw update-with-start (the API's former path, without HTTP)",
          '/s',
          runs.map((r) => r.updateWithStart.throughput),
        ),
        figure(
          'its p95',
          'ms',
          runs.map((r) => r.updateWithStart.p95),
        ),
      ],
      cpu: medianCpu(cpu),
      runs,
      settings: `${count} creates per side per run, ${CONCURRENCY} concurrent callers; each case has a contact (sealed) and mails its acknowledgement; between phases the worker drains.`,
    },
  };
}

/** Until every case created so far is recorded and its acknowledgement sent. */
async function drain(ctx: BenchContext, created: number): Promise<void> {
  const { db } = ctx.env;
  await waitFor(
    'complaints recorded and acknowledged',
    async () => {
      const [{ cases }] = await db('complaints').count({ cases: '*' });
      const [{ sent }] = await db('outbox').where({ status: 'sent' }).count({ sent: '*' });
      return { cases: Number(cases), sent: Number(sent) };
    },
    (v) => v.cases >= created && v.sent >= created,
    { timeoutMs: 600_000, intervalMs: 500 },
  );
}
