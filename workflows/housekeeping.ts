import { proxyActivities } from '@temporalio/workflow';
import type { HousekeepingActivities } from '../activities';
import { durationMs } from '../domain/duration';
import type { HousekeepingPolicy } from '../domain/policy';

/**
 * Each call is one bounded DELETE. A few retries ride out a short outage; a run that still fails leaves the
 * rows to the next run, rather than retrying past it.
 */
const cleanup = proxyActivities<HousekeepingActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
});

/** Removes what is kept only for a while: idempotency keys past their retention and ended rate-limit windows. */
export async function housekeeping(policy: HousekeepingPolicy): Promise<{ idempotencyKeys: number; rateLimitWindows: number }> {
  // Workflow time: one cutoff for the whole run, the same on replay.
  const now = Date.now();
  const keysBefore = new Date(now - durationMs(policy.idempotencyKeyRetention)).toISOString();
  const windowsBefore = new Date(now).toISOString();
  return {
    idempotencyKeys: await inBatches((limit) => cleanup.removeIdempotencyKeys(keysBefore, limit), policy.deleteBatch),
    rateLimitWindows: await inBatches((limit) => cleanup.removeRateLimitWindows(windowsBefore, limit), policy.deleteBatch),
  };
}

/** Repeats a bounded delete until a batch comes back short; returns the rows removed. */
async function inBatches(remove: (limit: number) => Promise<number>, batch: number): Promise<number> {
  let removed = 0;
  for (;;) {
    const n = await remove(batch);
    removed += n;
    if (n < batch) return removed;
  }
}
