import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../platform/config';
import { startBenchEnv, type BenchContext } from './env';
import { markdown, type ScenarioReport } from './report';
import { campaignReport, campaignRun } from './scenarios/campaign';
import { certificateImport } from './scenarios/certificateImport';
import { certificatePdfScenario } from './scenarios/certificatePdf';
import { certificateVerify } from './scenarios/certificateVerify';
import { complaintCreate } from './scenarios/complaintCreate';
import { cyclesReport, cyclesRun } from './scenarios/cycles';
import { decision } from './scenarios/decision';
import { list } from './scenarios/list';
import { outbox } from './scenarios/outbox';
import { statistics } from './scenarios/statistics';

/**
 * `npm run bench`: every scenario of BENCHMARKS.md against the real system on this machine, the
 * baselines in the same process and run. BENCH_SCALE (default 1) scales the sizes for quick runs,
 * BENCH_RUNS (default 3) sets the runs per scenario, BENCH_ONLY=list,outbox picks scenarios.
 * The two scenarios whose runs take minutes (campaign, cycles) run once each, then again while
 * BENCH_BUDGET_S (default 19 minutes from the start) allows another run of the same length.
 * Writes bench/results/<time>.json; a complete full-scale run also rewrites the table in BENCHMARKS.md.
 */
const SCENARIOS = [
  'complaintCreate',
  'decision',
  'list',
  'outbox',
  'certificateVerify',
  'certificateImport',
  'certificatePdf',
  'statistics',
  'campaign',
  'cycles',
] as const;
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const DOC = path.join(ROOT, 'BENCHMARKS.md');
const [START, END] = ['<!-- bench:results:start -->', '<!-- bench:results:end -->'];

async function main(): Promise<void> {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const budgetS = Number(process.env.BENCH_BUDGET_S ?? 19 * 60);
  if (!(scale > 0) || !(runs >= 1)) throw new Error('BENCH_SCALE must be > 0 and BENCH_RUNS ≥ 1');
  const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((s) => s.trim()) : [...SCENARIOS];
  for (const s of only) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);
  const began = performance.now();
  const log = (line: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);

  const env = await startBenchEnv(log);
  // Ctrl-C still stops the dev server and the worker and drops the database.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void env.close().finally(() => process.exit(130)));
  const ctx: BenchContext = { env, runs, scale, log };
  const reports: ScenarioReport[] = [];
  const durations: Record<string, number> = {};
  const timed = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    log(`${name}: starting`);
    try {
      return await body();
    } finally {
      durations[name] = (durations[name] ?? 0) + Math.round((performance.now() - t0) / 1000);
    }
  };
  /** A scenario that runs once per call and reports over the runs it made. */
  const repeated = <R extends { wallS: number }>(
    name: string,
    once: (ctx: BenchContext, run: number) => Promise<R>,
    report: (ctx: BenchContext, runs: R[]) => ScenarioReport,
  ) => {
    const done: R[] = [];
    return {
      name,
      next: () => timed(name, async () => void done.push(await once(ctx, done.length))),
      longest: () => Math.max(...done.map((r) => r.wallS)),
      report: () => report(ctx, done),
    };
  };
  try {
    // The decision scenario triages the complaints the intake scenario created.
    if (only.includes('complaintCreate') || only.includes('decision')) {
      const created = await timed('complaintCreate', () => complaintCreate(ctx));
      if (only.includes('complaintCreate')) reports.push(created.report);
      if (only.includes('decision')) reports.push(await timed('decision', () => decision(ctx, created.received)));
    }
    if (only.includes('list')) reports.push(await timed('list', () => list(ctx)));
    if (only.includes('outbox')) reports.push(await timed('outbox', () => outbox(ctx)));
    if (only.includes('certificateVerify')) reports.push(await timed('certificateVerify', () => certificateVerify(ctx)));
    if (only.includes('certificateImport')) reports.push(await timed('certificateImport', () => certificateImport(ctx)));
    if (only.includes('certificatePdf')) reports.push(await timed('certificatePdf', () => certificatePdfScenario(ctx)));
    // Several rows: the endpoints, the summaries' write overhead (two write paths), the early-warning evaluation.
    if (only.includes('statistics')) reports.push(...(await timed('statistics', () => statistics(ctx))));
    // Last, each run restarting the worker to read its memory from an empty cache: one run each, then more while the budget allows.
    const long = [repeated('campaign', campaignRun, campaignReport), repeated('cycles', cyclesRun, cyclesReport)].filter((s) => only.includes(s.name));
    for (const s of long) await s.next();
    for (let run = 1; run < runs; run++) {
      for (const s of long) {
        const elapsedS = (performance.now() - began) / 1000;
        if (elapsedS + s.longest() <= budgetS) await s.next();
        else
          log(
            `${s.name}: no run ${run + 1}, it would end past the ${budgetS} s budget (${Math.round(elapsedS)} s gone, a run takes up to ${Math.round(s.longest())} s)`,
          );
      }
    }
    reports.push(...long.map((s) => s.report()));
  } catch (error) {
    await env.close(true);
    throw error;
  }
  await env.close();

  const wallS = Math.round((performance.now() - began) / 1000);
  const at = new Date().toISOString();
  const machine = machineInfo();
  const versions = { node: process.version, temporalSdk: packageVersion('@temporalio/worker'), temporalCli: cliVersion(), ...env.versions };
  const result = { at, wallS, scale, runs, budgetS, machine, versions, durations, scenarios: reports };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

  const table = [
    `Run of ${at}: ${runs} runs per scenario (the long ones as the ${formatDuration(budgetS)} budget allowed) at scale ${scale}, ${formatDuration(wallS)} in all (${Object.entries(
      durations,
    )
      .map(([k, s]) => `${k} ${formatDuration(s)}`)
      .join(', ')}).`,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB memory, ${machine.kernel}. Versions: Node ${versions.node}, Temporal TS SDK ${versions.temporalSdk}, ${versions.temporalCli}, dev server ${versions.temporalServer} on SQLite, MariaDB ${versions.mariadb}.`,
    '',
    markdown(reports, machine.cpus),
  ].join('\n');
  console.log(`\n${table}\n\nresults: ${path.relative(ROOT, file)}`);
  if (scale === 1 && only.length === SCENARIOS.length) {
    const doc = readFileSync(DOC, 'utf8');
    const [before, rest] = doc.split(START);
    if (rest === undefined || !rest.includes(END)) throw new Error(`BENCHMARKS.md lacks the ${START} … ${END} markers`);
    writeFileSync(DOC, `${before}${START}\n${table}\n${END}${rest.split(END)[1]}`);
    console.log('BENCHMARKS.md: table updated');
  }
}

function machineInfo() {
  const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return { cpus: os.availableParallelism(), cpuModel, memoryGiB: Math.round(os.totalmem() / 2 ** 30), kernel: `Linux ${os.release()}` };
}

function packageVersion(name: string): string {
  return JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** The CLI's own words; a `go install` build calls itself 0.0.0-DEV, so the pinned tag is named too. */
function cliVersion(): string {
  const pinned = /^VERSION=(\S+)/m.exec(readFileSync(path.join(ROOT, 'scripts', 'temporal-cli.sh'), 'utf8'))?.[1];
  try {
    return `Temporal CLI ${pinned} (${execFileSync(process.env.TEMPORAL_CLI_PATH!, ['--version'], { encoding: 'utf8' }).trim()})`;
  } catch {
    return `Temporal CLI ${pinned}`;
  }
}

function formatDuration(s: number): string {
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
