import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../platform/config';
import { engineLabel, startBenchEnv, type BenchContext, type EngineInfo } from './env';
import { fmt, markdown, type Figure, type ScenarioReport } from './report';
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
 * Every scenario of BENCHMARKS.md against the real system on this machine, on one Temporal engine (TEMPORAL_ADDRESS's,
 * else a dev server of its own; bench/env.ts), the baselines in the same process and run. BENCH_SCALE (default 1)
 * scales the sizes for quick runs, BENCH_RUNS (default 3) sets the runs per scenario, BENCH_ONLY=list,outbox picks
 * scenarios. The two scenarios whose runs take minutes (campaign, cycles) run once each, then again while
 * BENCH_BUDGET_S (default 19 minutes from the start) allows another run of the same length. Writes BENCH_RESULTS_FILE
 * (default bench/results/<time>-<engine>.json) and prints the engine's table.
 * `tsx bench/run.ts publish <results files>` prints the tables of several such runs (`npm run bench` runs one per
 * engine, scripts/bench.sh) and, when they are complete full-scale runs on both engines, rewrites the results section
 * of BENCHMARKS.md with them.
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
/**
 * The scenarios the results section between the markers holds, on both engines: those whose work goes through Temporal
 * or the worker. The certificate and statistics scenarios (MySQL, PDF) keep their own sections of BENCHMARKS.md.
 */
const ENGINE_SCENARIOS: readonly Scenario[] = ['complaintCreate', 'decision', 'list', 'outbox', 'campaign', 'cycles'];
type Scenario = (typeof SCENARIOS)[number];
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const DOC = path.join(ROOT, 'BENCHMARKS.md');
const [START, END] = ['<!-- bench:results:start -->', '<!-- bench:results:end -->'];

/** What one engine's run writes, and `publish` reads back. */
interface BenchResult {
  at: string;
  wallS: number;
  scale: number;
  runs: number;
  budgetS: number;
  /** Every scenario of ENGINE_SCENARIOS ran. */
  complete: boolean;
  engine: EngineInfo;
  machine: ReturnType<typeof machineInfo>;
  versions: Record<string, string>;
  durations: Record<string, number>;
  scenarios: ScenarioReport[];
}

async function main(): Promise<void> {
  if (process.argv[2] === 'publish') return publish(process.argv.slice(3));
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const budgetS = Number(process.env.BENCH_BUDGET_S ?? 19 * 60);
  if (!(scale > 0) || !(runs >= 1)) throw new Error('BENCH_SCALE must be > 0 and BENCH_RUNS ≥ 1');
  const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((s) => s.trim()) : [...SCENARIOS];
  for (const s of only) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);
  const began = performance.now();
  const log = (line: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);

  const env = await startBenchEnv(log);
  // Ctrl-C still stops the dev server (if its own) and the worker and drops the database.
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
  const result: BenchResult = {
    at,
    wallS,
    scale,
    runs,
    budgetS,
    complete: ENGINE_SCENARIOS.every((s) => only.includes(s)),
    engine: env.engine,
    machine,
    versions,
    durations,
    scenarios: reports,
  };
  const file = process.env.BENCH_RESULTS_FILE
    ? path.resolve(process.env.BENCH_RESULTS_FILE)
    : path.join(RESULTS_DIR, `${at.replace(/[:.]/g, '-')}-${env.engine.kind}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${engineSection(result)}\n\nresults: ${path.relative(ROOT, file)}`);
}

/** One engine's table with what it ran on. */
function engineSection(r: BenchResult): string {
  return [
    `### ${engineLabel(r.engine)}`,
    '',
    `Run of ${r.at}: ${r.runs} runs per scenario (the long ones as the ${formatDuration(r.budgetS)} budget allowed) at scale ${r.scale}, ${formatDuration(r.wallS)} in all (${Object.entries(
      r.durations,
    )
      .map(([k, s]) => `${k} ${formatDuration(s)}`)
      .join(', ')}).`,
    '',
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB memory, ${r.machine.kernel}. Versions: Node ${r.versions.node}, Temporal TS SDK ${r.versions.temporalSdk}, ${r.versions.temporalCli}, MariaDB ${r.versions.mariadb}.`,
    '',
    markdown(r.scenarios, r.machine.cpus),
  ].join('\n');
}

/** The engines' results side by side, then each engine's table; BENCHMARKS.md after complete full-scale runs on both. */
function publish(files: string[]): void {
  if (files.length === 0) throw new Error('publish: name the results files of the engines’ runs');
  const results = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as BenchResult);
  const short = (r: BenchResult) => (r.engine.kind === 'dev' ? 'dev server' : `server (${r.engine.persistence}, ${r.engine.historyShards} shards)`);
  const titles = [...new Map(results.flatMap((r) => r.scenarios.map((s) => [s.id, s.title] as const))).entries()];
  const median = (f: Figure) => `${fmt(f.value.median)} ${f.unit}`;
  const engineRaw = (s: ScenarioReport) =>
    s.engineRaw === 'baseline' && s.baseline
      ? `; engine raw = the baseline, ${median(s.baseline)}`
      : s.engineRaw && s.engineRaw !== 'baseline'
        ? `; engine raw ${median(s.engineRaw.figure)}, the scenario at ${s.engineRaw.share.median.toFixed(2)}× of it`
        : '';
  const measured = (s: ScenarioReport | undefined) =>
    s ? `${s.met ? '' : '**'}${median(s.system)}${s.ratio ? `, ${s.ratio.median.toFixed(2)}×` : ''}${s.met ? '' : '**'}${engineRaw(s)}` : '—';
  const sideBySide = [
    `| scenario | target | ${results.map(short).join(' | ')} |`,
    `|---|---|${results.map(() => '---|').join('')}`,
    ...titles.map(([id, title]) => {
      const rows = results.map((r) => r.scenarios.find((s) => s.id === id));
      return `| ${title} | ${rows.find(Boolean)?.target ?? ''} | ${rows.map(measured).join(' | ')} |`;
    }),
  ].join('\n');
  const text = [
    `One \`npm run bench\` on ${results.length === 1 ? 'one engine' : `${results.length} engines in turn`} (runs ending ${results.map((r) => `${r.at.slice(0, 16).replace('T', ' ')} UTC`).join(' and ')}); the medians side by side, a target not met in bold (each engine's table below has the ranges, baselines and CPU):`,
    '',
    sideBySide,
    '',
    ...results.flatMap((r) => [engineSection(r), '']),
  ].join('\n');
  console.log(`\n${text}`);
  const kinds = new Set(results.map((r) => r.engine.kind));
  if (results.every((r) => r.scale === 1 && r.complete) && kinds.has('dev') && kinds.has('server')) {
    const doc = readFileSync(DOC, 'utf8');
    const [before, rest] = doc.split(START);
    if (rest === undefined || !rest.includes(END)) throw new Error(`BENCHMARKS.md lacks the ${START} … ${END} markers`);
    writeFileSync(DOC, `${before}${START}\n${text.trimEnd()}\n${END}${rest.split(END)[1]}`);
    console.log('BENCHMARKS.md: tables updated');
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
