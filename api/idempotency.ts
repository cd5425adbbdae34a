import { createHash } from 'node:crypto';
import type {} from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { ulid } from 'ulid';
import type { Db } from '../db/connect';
import { claimKey, completeKey, releaseKey, takeOverStaleClaim } from '../db/queries/idempotencyKeys';
import { HttpError } from './errors';
import type { Sealer } from '../platform/sealing';

const STALE_AFTER_MS = 30_000;

/** A malformed key is the request's own fault, refused before anything is looked up. */
export function checkIdempotencyKey(key: string): void {
  if (key.length > 200)
    throw new HttpError(400, 'invalid', 'Idempotency-Key is too long', [
      { field: 'Idempotency-Key', code: 'too_long', message: 'at most 200 characters', limit: 200 },
    ]);
}

/**
 * `Idempotency-Key` on a POST: a repeat with the same key and body gets the first response without
 * acting again; the same key with another body is 422. The key also reserves the id of whatever the
 * request creates (ctx.state.resourceId), so even a retry after a crash creates the same case.
 */
export function idempotency(db: Db, sealer: Sealer): Middleware {
  return async (ctx, next) => {
    const key = ctx.get('idempotency-key');
    if (ctx.method !== 'POST' || !key) return next();
    const anonymous = !ctx.state.actor;
    const caller = anonymous ? `ip:${ctx.ip}` : ctx.state.actor.id;
    // The body as received, not re-serialised: serialising a deeply nested body would overflow the stack.
    const requestHash = createHash('sha256')
      .update(`${ctx.method} ${ctx.path}\n${ctx.request.rawBody ?? ''}`)
      .digest('hex');
    const claim = ulid();
    let row = await claimKey(db, { caller, key, requestHash, resourceId: ulid(), claim });
    if (row.requestHash !== requestHash) {
      throw new HttpError(422, 'idempotency_key_reused', 'this Idempotency-Key was used with another request', [
        { field: 'Idempotency-Key', code: 'key_reused', message: 'reused with a different body' },
      ]);
    }
    if (row.response) {
      ctx.status = row.response.status;
      ctx.body = anonymous ? sealer.unseal((row.response.body as { sealed: string }).sealed) : row.response.body;
      ctx.set('Idempotent-Replayed', 'true');
      return;
    }
    if (row.claim !== claim) {
      const taken = await takeOverStaleClaim(db, caller, key, row.claim, claim, new Date(Date.now() - STALE_AFTER_MS));
      if (!taken) throw new HttpError(409, 'in_progress', 'a request with this Idempotency-Key is in progress', [], { 'Retry-After': '2' });
      row = { ...row, claim };
    }
    ctx.state.resourceId = row.resourceId;
    try {
      await next();
    } catch (error) {
      await releaseKey(db, caller, key, claim).catch(() => undefined);
      throw error;
    }
    // An answer to the public can carry its credentials (a complaint's secret): kept sealed, never in clear.
    if (ctx.status < 500) await completeKey(db, caller, key, claim, ctx.status, anonymous ? { sealed: sealer.seal(ctx.body ?? null) } : ctx.body);
    else await releaseKey(db, caller, key, claim);
  };
}
