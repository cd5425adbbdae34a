import { createHash, type Hash } from 'node:crypto';
import { Transform, pipeline, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
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
 * A request's hash begins with its route. A streamed request is claimed under that alone (its body is not read yet):
 * the hash of its body is stored with its answer.
 */
export const routeHash = (method: string, path: string): Hash => createHash('sha256').update(`${method} ${path}\n`);

/** A stream that passes the body on unchanged, hashing it as it goes. */
function hashing(body: Readable, hash: Hash): Readable {
  const through = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  // A client that stops sending fails the handler's read: the key is then released.
  return pipeline(body, through, () => undefined);
}

/**
 * `Idempotency-Key` on a POST: a repeat with the same key and body gets the first response without
 * acting again; the same key with another body is 422. The key also reserves the id of whatever the
 * request creates (ctx.state.resourceId), so even a retry after a crash creates the same case.
 *
 * A `streamed` route's body is not read before its handler: the key is claimed under the route alone, the body is
 * hashed as the handler reads it (ctx.state.bodyStream) and that hash stored with the answer; a repeat whose key
 * has an answer is read through (hashed, not kept) and compared with it.
 */
export function idempotency(db: Db, sealer: Sealer, { streamed = false } = {}): Middleware {
  return async (ctx, next) => {
    const key = ctx.get('idempotency-key');
    if (ctx.method !== 'POST' || !key) return next();
    const anonymous = !ctx.state.actor;
    const caller = anonymous ? `ip:${ctx.ip}` : ctx.state.actor.id;
    const hash = routeHash(ctx.method, ctx.path);
    // The body as received, not re-serialised: serialising a deeply nested body would overflow the stack.
    let requestHash = hash
      .copy()
      .update(streamed ? '' : (ctx.request.rawBody ?? ''))
      .digest('hex');
    const claim = ulid();
    let row = await claimKey(db, { caller, key, requestHash, resourceId: ulid(), claim });
    if (streamed && row.response) {
      for await (const chunk of ctx.req) hash.update(chunk as Buffer);
      requestHash = hash.digest('hex');
    }
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
    const body = streamed ? hashing(ctx.req, hash) : undefined;
    ctx.state.bodyStream = body;
    try {
      await next();
      // A handler that answered without reading it all (a retry finding its import done): the rest is hashed too.
      if (body && !body.readableEnded) await finished(body.resume());
    } catch (error) {
      await releaseKey(db, caller, key, claim).catch(() => undefined);
      throw error;
    }
    // An answer to the public can carry its credentials (a complaint's secret): kept sealed, never in clear.
    if (ctx.status < 500)
      await completeKey(db, caller, key, claim, ctx.status, anonymous ? { sealed: sealer.seal(ctx.body ?? null) } : ctx.body, body && hash.digest('hex'));
    else await releaseKey(db, caller, key, claim);
  };
}
