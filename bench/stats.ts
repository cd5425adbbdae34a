/** Figures over samples and runs: percentiles, the median of runs and their spread, closed-loop load. */

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: p95 of 100 samples is the 95th smallest, never an interpolation between two.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values: number[]) => percentile(values, 50);

/** A figure over the runs: median, lowest and highest. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(runs: number[]): Spread {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs };
}

export interface LoadResult {
  count: number;
  errors: number;
  firstError?: string;
  wallMs: number;
  /** Completed operations per second over the wall time. */
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * A closed loop: `concurrency` callers, each starting the next operation as soon as its last one
 * finished, until `total` are done. Latency is per operation; throughput is over the whole wall time.
 */
export async function closedLoop(total: number, concurrency: number, op: (i: number) => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        try {
          await op(i);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const wallMs = performance.now() - started;
  return summarise(latencies, wallMs, errors, firstError);
}

export function summarise(latencies: number[], wallMs: number, errors = 0, firstError?: string): LoadResult {
  return {
    count: latencies.length,
    errors,
    ...(firstError ? { firstError } : {}),
    wallMs: round(wallMs),
    throughput: round((latencies.length / wallMs) * 1000),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Polls until the check holds, failing with the last value after the timeout. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T>,
  ok: (value: T) => boolean,
  { timeoutMs, intervalMs = 250 }: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
