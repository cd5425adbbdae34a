import type { CpuShare } from './procs';
import { median, round, spread, type LoadResult, type Spread } from './stats';

/** One figure of a scenario, as the table shows it: median over the runs with their range. */
export interface Figure {
  label: string;
  unit: string;
  value: Spread;
}

export interface ScenarioReport {
  id: string;
  title: string;
  /** The measured figure the target is about. */
  system: Figure;
  baseline?: Figure;
  /** system ÷ baseline for throughput, system p95 ÷ baseline p95 for latency; per run, then the median. */
  ratio?: Spread;
  target: string;
  met: boolean;
  /** Further figures of the same runs (other percentiles, references, memory). */
  extra: Figure[];
  /** The engine's own figure from the same run, for the scenarios that run on Temporal; absent for the others. */
  engineRaw?: EngineRaw;
  /** CPU per process during the measured phases, median over the runs, in cores. */
  cpu: CpuShare;
  runs: unknown[];
  settings: string;
}

/**
 * How close to the engine's limit a scenario runs: 'baseline' where the baseline already is the engine's own operation
 * (a raw start of the same workflow, a raw update); else the engine's figure and the scenario's rate as a share of it.
 */
export type EngineRaw = 'baseline' | { figure: Figure; share: Spread };

/** The scenario's rate against the engine's raw rate, run by run. */
export function engineRawShare(label: string, raw: number[], scenario: number[]): EngineRaw {
  return { figure: figure(label, 'starts/s', raw), share: spread(scenario.map((v, i) => round(v / raw[i]))) };
}

export function figure(label: string, unit: string, runs: number[]): Figure {
  return { label, unit, value: spread(runs.map((v) => round(v))) };
}

/**
 * An endpoint against a raw mysql2 pool running the SQL it ran, run by run: throughput and its ratio, the API's
 * tail against the target, and both sides' percentiles.
 */
export function apiAgainstRaw(runs: Array<{ api: LoadResult; raw: LoadResult }>, target: { ratio: number; p99Ms: number }) {
  const ratio = spread(runs.map((r) => round(r.api.throughput / r.raw.throughput)));
  const p99 = spread(runs.map((r) => r.api.p99));
  const of = (pick: (r: { api: LoadResult; raw: LoadResult }) => number) => runs.map(pick);
  return {
    system: figure(
      'API',
      'req/s',
      of((r) => r.api.throughput),
    ),
    baseline: figure(
      'raw mysql2 pool, same SQL',
      'queries/s',
      of((r) => r.raw.throughput),
    ),
    ratio,
    target: `≥ ${target.ratio}× throughput, p99 ≤ ${target.p99Ms} ms`,
    met: ratio.median >= target.ratio && p99.median <= target.p99Ms,
    extra: [
      figure(
        'API p99',
        'ms',
        of((r) => r.api.p99),
      ),
      figure(
        'API p50',
        'ms',
        of((r) => r.api.p50),
      ),
      figure(
        'raw p99',
        'ms',
        of((r) => r.raw.p99),
      ),
    ],
  };
}

/**
 * The median per process over the runs, after folding the engine's processes: `temporal.<service>` also summed as
 * `temporal`, the PostgreSQL backends (`postgres.<pid>`, which change from run to run) as `postgresql`.
 */
export function medianCpu(shares: CpuShare[]): CpuShare {
  const folded = shares.map(foldEngine);
  const keys = [...new Set(folded.flatMap((s) => Object.keys(s)))];
  return Object.fromEntries(keys.map((k) => [k, round(median(folded.map((s) => s[k]).filter((v) => Number.isFinite(v))))]));
}

function foldEngine(share: CpuShare): CpuShare {
  const out: CpuShare = {};
  const add = (key: string, v: number) => {
    if (Number.isFinite(v)) out[key] = (out[key] ?? 0) + v;
  };
  for (const [k, v] of Object.entries(share)) {
    if (k.startsWith('postgres.')) add('postgresql', v);
    else {
      out[k] = v;
      if (k.startsWith('temporal.')) add('temporal', v);
    }
  }
  return out;
}

export const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const cell = (f: Figure) => `${fmt(f.value.median)}${f.unit ? ` ${f.unit}` : ''} (${fmt(f.value.min)}–${fmt(f.value.max)})`;
const ratioCell = (r: Spread) => `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;

function engineRawCell(r: ScenarioReport): string {
  if (!r.engineRaw) return '— (no Temporal)';
  if (r.engineRaw === 'baseline') return 'the baseline';
  return `${r.engineRaw.figure.label}: ${cell(r.engineRaw.figure)}; the scenario at ${ratioCell(r.engineRaw.share)} of it`;
}

/** The results as Markdown: the target table, the other figures, and where the CPU went. */
export function markdown(reports: ScenarioReport[], cores: number): string {
  const lines = [
    '| scenario | measured: median (min–max) | baseline in the same run | ratio | engine raw in the same run | target | met |',
    '|---|---|---|---|---|---|---|',
    ...reports
      .map((r) =>
        [
          r.title,
          `${r.system.label}: ${cell(r.system)}`,
          r.baseline ? `${r.baseline.label}: ${cell(r.baseline)}` : 'none (absolute)',
          r.ratio ? ratioCell(r.ratio) : '—',
          engineRawCell(r),
          r.target,
          r.met ? 'yes' : '**no**',
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
    '**Other figures of the same runs** (median, min–max):',
    '',
    ...reports.flatMap((r) => [`- ${r.title}: ${r.extra.map((f) => `${f.label} ${cell(f)}`).join('; ')}.`]),
    '',
    `**CPU during the measured phases** (cores busy, median of the runs, out of ${cores}; Temporal is the dev server's one process or the server's services together, its PostgreSQL the backends serving the server's databases; "others" is what the rest of the machine used meanwhile):`,
    '',
    '| scenario | API | load generator and baselines | worker | Temporal | its PostgreSQL | MariaDB | others | machine busy |',
    '|---|---|---|---|---|---|---|---|---|',
    ...reports.map((r) => {
      const ours = [r.cpu.api, r.cpu.bench, r.cpu.worker, r.cpu.temporal, r.cpu.postgresql, r.cpu.mariadb];
      const others = r.cpu.machineBusy * cores - ours.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
      return `| ${r.title} | ${[...ours, others].map((v) => (Number.isFinite(v) ? Math.max(0, v).toFixed(2) : '—')).join(' | ')} | ${Number.isFinite(r.cpu.machineBusy) ? `${Math.round(r.cpu.machineBusy * 100)} %` : '—'} |`;
    }),
    '',
    '**Settings**:',
    '',
    ...reports.map((r) => `- ${r.title}: ${r.settings}`),
  ];
  return lines.join('\n');
}
