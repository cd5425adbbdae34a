import type { Middleware } from 'koa';
import type { Db } from '../db/connect';
import { countRequest } from '../db/queries/rateLimitWindows';
import { HttpError } from './errors';

interface LimitOptions {
  bucket: string;
  max: number;
  windowMs: number;
  /**
   * For limits on high-volume reads (public verification): each process tallies its requests and adds them to
   * MySQL together, after `hits` of them or `ms` at the latest. A counted write per request would serialise every
   * caller from one address on the window's row; the shared count then lags by at most that much per process.
   */
  batch?: { hits: number; ms: number };
}

/**
 * A fixed-window limit per client address (abuse protection), counted in MySQL so that it holds across
 * every API process. `bucket` names the limit, so two limits never share a count.
 */
export function rateLimit(db: Db, options: LimitOptions): Middleware {
  const count = options.batch ? tallied(db, options.windowMs, options.batch) : (key: string, now: Date) => countRequest(db, key, now, options.windowMs);
  return async (ctx, next) => {
    const now = new Date();
    // Cut to the column's length: only a forged forwarded address is that long, and it still counts.
    const { hits, windowEnd } = await count(`${options.bucket}:${ctx.ip}`.slice(0, 120), now);
    if (hits > options.max) {
      const retryAfter = Math.max(1, Math.ceil((windowEnd.getTime() - now.getTime()) / 1000));
      throw new HttpError(429, 'rate_limited', 'too many requests from this address; try again later', [], { 'Retry-After': String(retryAfter) });
    }
    await next();
  };
}

/** Entries kept per process before the ended windows are swept out. */
const TALLIES_BEFORE_SWEEP = 10_000;

interface Tally {
  /** The count and window end as MySQL last answered. */
  hits: number;
  windowEnd: Date;
  /** Requests counted here since. */
  pending: number;
  flushing: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * A process's tally in front of the MySQL count. The first request of a window here is counted in MySQL at once
 * (it learns the shared count and window); the rest add to the tally, judged on the last shared count plus the
 * tally, and go to MySQL in one statement. A failed write keeps its requests for the next.
 */
function tallied(db: Db, windowMs: number, batch: { hits: number; ms: number }) {
  const tallies = new Map<string, Tally>();
  const flush = async (key: string, t: Tally) => {
    // One write at a time per tally; the running one schedules what came in meanwhile.
    if (t.flushing) return;
    clearTimeout(t.timer);
    t.timer = undefined;
    if (t.pending === 0) return;
    const requests = t.pending;
    t.pending = 0;
    t.flushing = true;
    try {
      const shared = await countRequest(db, key, new Date(), windowMs, requests);
      t.hits = shared.hits;
      t.windowEnd = shared.windowEnd;
    } catch {
      t.pending += requests;
    } finally {
      t.flushing = false;
      if (t.pending > 0) t.timer ??= setTimeout(() => void flush(key, t), batch.ms).unref();
    }
  };
  return async (key: string, now: Date) => {
    const t = tallies.get(key);
    if (!t || t.windowEnd <= now) {
      if (t) await flush(key, t);
      if (tallies.size >= TALLIES_BEFORE_SWEEP) for (const [k, v] of tallies) if (v.windowEnd <= now && v.pending === 0) tallies.delete(k);
      const shared = await countRequest(db, key, now, windowMs);
      tallies.set(key, { hits: shared.hits, windowEnd: shared.windowEnd, pending: 0, flushing: false });
      return shared;
    }
    t.pending += 1;
    const hits = t.hits + t.pending;
    if (t.pending >= batch.hits) void flush(key, t);
    else t.timer ??= setTimeout(() => void flush(key, t), batch.ms).unref();
    return { hits, windowEnd: t.windowEnd };
  };
}
