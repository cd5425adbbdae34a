import { WorkflowNotFoundError } from '@temporalio/client';
import { generateExaminerCsv } from '../../test/support/examinerCsv';
import { examinerImportWorkflowId } from '../../workflows/examinerImport.messages';
import { scaled, type BenchContext } from '../env';
import { expectStatus } from '../http';
import { cpuMeter, type CpuShare } from '../procs';
import { engineRawShare, figure, medianCpu, type ScenarioReport } from '../report';
import { round, spread } from '../stats';

const FULL_CYCLES = 20_000;
const TARGET_S = 300;
/** A run still creating at twice its target has missed it; it stops there, so the benchmark ends in bounded time. */
const CAP_S = 2 * TARGET_S;
/** The engine's raw figure per run: this many trivial starts at the import's concurrency (a few seconds). */
const FULL_RAW_STARTS = 600;

export interface CyclesRun {
  cycles: number;
  /** Every cycle has written its row; null when the run stopped at the cap. */
  createdS: number | null;
  /** How many had at the end (all, or as many as at the cap). */
  created: number;
  perS: number;
  importedS: number;
  peakRssMB: number;
  idleRssMB: number | null;
  /** The engine's raw figure in the same run, just before: trivial starts per second at the import's batch. */
  rawStartsPerS: number;
  wallS: number;
  cpu: CpuShare;
}

/**
 * One run of 20,000 examiner renewal cycles through the bulk import: POST /v1/examiners/import with a
 * CSV of 20,000 qualifications, whose import workflow starts one cycle each at the policy's pace; each
 * cycle records itself and waits on its reminder and expiry timers (months away). Created = every
 * cycle has written its row. Then the worker is left alone until idle and its RSS read. A fresh
 * worker per run.
 */
export async function cyclesRun(ctx: BenchContext, run: number): Promise<CyclesRun> {
  const { env } = ctx;
  const began = performance.now();
  const count = scaled(ctx, FULL_CYCLES, 100);
  const { csv } = generateExaminerCsv(count, `B${run + 1}X${Date.now().toString(36).toUpperCase()}`);
  // The import starts a batch's cycles at once: the engine's raw figure at that concurrency.
  const raw = await env.engineRawStarts(scaled(ctx, FULL_RAW_STARTS, 50), env.config.policy.qualification.importBatch);
  const rss = await env.freshWorkerSampled();
  const meter = cpuMeter(env.pids());
  const t0 = performance.now();
  try {
    const imported = expectStatus(
      await env.http.request('POST', '/v1/examiners/import', { token: env.token('sup-1'), body: csv, contentType: 'text/csv' }),
      201,
      'examiner import',
    );
    if (imported.imported !== count) throw new Error(`imported ${imported.imported} of ${count}: ${JSON.stringify(imported.rejected.slice(0, 3))}`);
    const importedS = (performance.now() - t0) / 1000;
    let created = 0;
    while (created < count && performance.now() - t0 < CAP_S * 1000) {
      await new Promise((r) => setTimeout(r, 500));
      created = Number((await env.db('qualifications').where({ import_id: imported.importId }).where('version', '>', 0).count({ n: '*' }))[0].n);
    }
    const elapsedS = (performance.now() - t0) / 1000;
    const cpu = meter();
    const done = created >= count;
    if (!done) {
      // Stop starting more: the run is over and the backlog would only slow what follows. The import may have started
      // every cycle already (their first writes are what lag): then there is nothing to stop.
      await env.temporal.workflow
        .getHandle(examinerImportWorkflowId(imported.importId))
        .terminate('benchmark run stopped at its cap')
        .catch((error: unknown) => {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        });
    }
    const idle = done ? await idleRss(ctx) : null;
    const result = {
      cycles: count,
      createdS: done ? round(elapsedS) : null,
      created,
      perS: round(created / elapsedS),
      importedS: round(importedS),
      peakRssMB: round(rss.peak()),
      idleRssMB: idle && round(idle),
      rawStartsPerS: raw.throughput,
      cpu,
    };
    ctx.log(
      `cycles run ${run + 1}: ${created} of ${count} created in ${round(elapsedS)} s (${result.perS}/s); worker RSS peak ${result.peakRssMB} MB, idle ${result.idleRssMB ?? '(not idle)'} MB; engine raw ${raw.throughput} starts/s`,
    );
    return { ...result, wallS: round((performance.now() - began) / 1000) };
  } finally {
    rss.stop();
  }
}

export function cyclesReport(ctx: BenchContext, runs: CyclesRun[]): ScenarioReport {
  const count = runs[0].cycles;
  const finished = runs.filter((r) => r.createdS !== null);
  const capped = runs.length - finished.length;
  const idle = finished.map((r) => r.idleRssMB!);
  return {
    id: 'cycles',
    title: `${count.toLocaleString('en')} examiner renewal cycles waiting on timers`,
    // A run stopped at the cap counts as the cap: the figure is then a lower bound.
    system: figure(
      capped ? `all created (${capped} of ${runs.length} runs stopped at the ${CAP_S} s cap: ≥)` : 'all created',
      's',
      runs.map((r) => r.createdS ?? CAP_S),
    ),
    target: `created ≤ ${TARGET_S / 60} min; worker RSS ≤ 500 MB once idle`,
    met: capped === 0 && spread(finished.map((r) => r.createdS!)).median <= TARGET_S && spread(idle).median <= 500,
    engineRaw: engineRawShare(
      `trivial workflow.start, ${ctx.env.config.policy.qualification.importBatch} callers`,
      runs.map((r) => r.rawStartsPerS),
      runs.map((r) => r.perS),
    ),
    extra: [
      ...(idle.length ? [figure('worker RSS once idle', 'MB', idle)] : []),
      figure(
        'worker RSS peak',
        'MB',
        runs.map((r) => r.peakRssMB),
      ),
      figure(
        'cycles created',
        '/s',
        runs.map((r) => r.perS),
      ),
      ...(capped
        ? [
            figure(
              `cycles created by the ${CAP_S} s cap`,
              '',
              runs.map((r) => r.created),
            ),
          ]
        : []),
      figure(
        `import request (validate and write ${count.toLocaleString('en')} rows)`,
        's',
        runs.map((r) => r.importedS),
      ),
    ],
    cpu: medianCpu(runs.map((r) => r.cpu)),
    runs,
    settings: `${runs.length} of ${ctx.runs} runs (as many as the time budget allowed); ${count} qualifications per run in one CSV; the default policy's import pace (${ctx.env.config.policy.qualification.importBatch} starts per ${ctx.env.config.policy.qualification.importPace}); expiries in 2028–2030, reminders 90/30/7 days before; a fresh worker per run; a run stops at ${CAP_S} s; engine raw: ${scaled(ctx, FULL_RAW_STARTS, 50)} starts of a trivial workflow no worker polls, ${ctx.env.config.policy.qualification.importBatch} callers, before each run.`,
  };
}

/**
 * The worker's RSS once idle: after its CPU has stayed under 5 % of a core for 30 s in a row, so that
 * V8's memory reducer (which runs only when a process goes quiet) has had its turn.
 */
async function idleRss(ctx: BenchContext): Promise<number> {
  const t0 = performance.now();
  let quietSince = performance.now();
  for (;;) {
    const meter = cpuMeter({ worker: ctx.env.pids().worker });
    await new Promise((r) => setTimeout(r, 3000));
    if (meter().worker >= 0.05) quietSince = performance.now();
    if (performance.now() - quietSince >= 30_000 || performance.now() - t0 > 180_000) return ctx.env.workerRss();
  }
}
