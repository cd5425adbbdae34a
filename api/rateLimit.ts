import type { Middleware } from 'koa';
import { HttpError } from './errors';

/**
 * A fixed-window limit per client address for the public intake (abuse protection only: an API
 * process's own counter, not shared state, so N processes allow N times the limit).
 */
export function rateLimit(options: { max: number; windowMs: number }): Middleware {
  const hits = new Map<string, { count: number; resetAt: number }>();
  return async (ctx, next) => {
    const now = Date.now();
    let entry = hits.get(ctx.ip);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + options.windowMs };
      hits.set(ctx.ip, entry);
      if (hits.size > 10_000) for (const [ip, e] of hits) if (e.resetAt <= now) hits.delete(ip);
    }
    entry.count += 1;
    if (entry.count > options.max) {
      throw new HttpError(429, 'rate_limited', 'too many complaints from this address; try again later', [], { 'Retry-After': String(Math.ceil((entry.resetAt - now) / 1000)) });
    }
    await next();
  };
}
