import Router from '@koa/router';
import type { Readable } from 'node:stream';
import type { Middleware } from 'koa';
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import type { Config } from '../platform/config';
import type { Sealer } from '../platform/sealing';
import type { Signer } from '../platform/signing';
import type { Db } from '../db/connect';
import type { Actor, Role } from '../domain/roles';
import { requireRole } from './auth';
import { checkIdempotencyKey, idempotency } from './idempotency';
import { parse } from './validate';
import { ulid } from 'ulid';
import type { AuditActor } from '../db/queries/events';

/** What the API is started with. */
export interface AppDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

/**
 * What a handler may use: the database for reads, Temporal for every write to a case, the sealer and the certificate
 * signer built once from the configured keys.
 */
export interface ApiDeps extends AppDeps {
  sealer: Sealer;
  signer: Signer;
}

export interface RouteInput<B, Q, T = unknown> {
  deps: ApiDeps;
  actor: Actor;
  /** Who acts, in which role (the first of the route's roles they hold) and in which request: for audit entries. */
  audit: AuditActor;
  body: B;
  query: Q;
  params: Record<string, string>;
  headers: Record<string, string | undefined>;
  requestId: string;
  /**
   * Retries of one request share it: the Idempotency-Key when given, else an id of the server's own (never
   * the client's X-Request-Id, which two different requests may share).
   */
  operationId: string;
  /** The id reserved by the Idempotency-Key for what this request creates, if any. */
  resourceId?: string;
  /** What the route's `authorize` found: the object the caller acts on, once they may. */
  target: T;
  /** A `streamed` route's body, unread: the handler reads it as it arrives. */
  bodyStream?: Readable;
}

/**
 * One route, declared once: the router mounts it and the OpenAPI document describes it from the
 * same schemas.
 */
export interface RouteSpec<B extends z.ZodType = z.ZodType, Q extends z.ZodObject = z.ZodObject, T = unknown> {
  method: 'get' | 'post';
  /** OpenAPI form, e.g. /v1/station-applications/{id} */
  path: string;
  summary: string;
  /** Who may call it; none means a public route (no token). */
  roles: Role[];
  body?: B;
  query?: Q;
  status?: number;
  /**
   * The handler reads the body itself from `bodyStream` (a file too large to hold), so the body parser leaves it
   * unread and nothing validates or hashes it first: for a path without parameters.
   */
  streamed?: boolean;
  /**
   * A query sent as POST only because its input is large: it acts on nothing, so nothing is recorded for an
   * Idempotency-Key (its answer, a file perhaps, is computed afresh each time).
   */
  readOnly?: true;
  /**
   * The object and jurisdiction checks for the current caller (404 for what they may not see), read-only.
   * They run before an Idempotency-Key's stored answer is replayed, so a replay never outlives a right.
   */
  authorize?: (input: RouteInput<z.infer<B>, z.infer<Q>>) => Promise<T>;
  handler: (input: RouteInput<z.infer<B>, z.infer<Q>, T>) => Promise<unknown>;
}

export function route<B extends z.ZodType, Q extends z.ZodObject, T = unknown>(spec: RouteSpec<B, Q, T>): RouteSpec {
  return spec as unknown as RouteSpec;
}

/**
 * Mounts each route as: role check, input validation, the route's object checks, then the
 * Idempotency-Key (a replay only after every check has passed for the caller as they are now; none for a
 * `readOnly` route), then the handler.
 */
export function mountRoutes(router: Router, specs: RouteSpec[], deps: ApiDeps): void {
  const replayOrRecord = idempotency(deps.db, deps.sealer);
  const replayOrRecordStreamed = idempotency(deps.db, deps.sealer, { streamed: true });
  for (const spec of specs) {
    const koaPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    const guard: Middleware = spec.roles.length ? requireRole(...spec.roles) : (_ctx, next) => next();
    const keyed: Middleware[] = spec.readOnly ? [] : [spec.streamed ? replayOrRecordStreamed : replayOrRecord];
    const checked: Middleware = async (ctx, next) => {
      if (!spec.readOnly) checkIdempotencyKey(ctx.get('idempotency-key'));
      const requestId = ctx.state.requestId as string;
      const actor = ctx.state.actor as Actor | undefined;
      const role = spec.roles.find((r) => actor?.roles.includes(r));
      const input: RouteInput<unknown, Record<string, unknown>> = {
        deps,
        actor: ctx.state.actor,
        audit: { actorId: actor?.id ?? 'public', actorRole: role ?? 'public', requestId },
        body: spec.body ? parse(spec.body, ctx.request.body ?? {}, { strict: true }) : undefined,
        query: spec.query ? parse(spec.query, ctx.query) : {},
        params: ctx.params,
        headers: ctx.headers as Record<string, string | undefined>,
        requestId,
        operationId: ctx.get('idempotency-key') || ulid(),
        target: undefined,
      };
      if (spec.authorize) input.target = await spec.authorize(input);
      ctx.state.input = input;
      await next();
    };
    router[spec.method](koaPath, guard, checked, ...keyed, async (ctx) => {
      const input = ctx.state.input as RouteInput<unknown, Record<string, unknown>>;
      // Under an Idempotency-Key, a streamed body comes through the hash that identifies the request.
      const bodyStream = spec.streamed ? ((ctx.state.bodyStream as Readable | undefined) ?? ctx.req) : undefined;
      const result = await spec.handler({ ...input, resourceId: ctx.state.resourceId, ...(bodyStream ? { bodyStream } : {}) });
      ctx.status = spec.status ?? 200;
      ctx.body = result;
    });
  }
}
