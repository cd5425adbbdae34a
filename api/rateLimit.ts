import type { Middleware } from 'koa';
import type { Db } from '../db/connect';
import { countRequest } from '../db/queries/rateLimitWindows';
import { HttpError } from './errors';

/**
 * A fixed-window limit per client address (abuse protection), counted in MySQL so that it holds across
 * every API process. `bucket` names the limit, so two limits never share a count.
 */
export function rateLimit(db: Db, options: { bucket: string; max: number; windowMs: number }): Middleware {
  return async (ctx, next) => {
    const now = new Date();
    // Cut to the column's length: only a forged forwarded address is that long, and it still counts.
    const { hits, windowEnd } = await countRequest(db, `${options.bucket}:${ctx.ip}`.slice(0, 120), now, options.windowMs);
    if (hits > options.max) {
      const retryAfter = Math.max(1, Math.ceil((windowEnd.getTime() - now.getTime()) / 1000));
      throw new HttpError(429, 'rate_limited', 'too many complaints from this address; try again later', [], { 'Retry-After': String(retryAfter) });
    }
    await next();
  };
}
