import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import type { Config } from '../activities/config';
import type { Db } from '../db/connect';
import type { Actor, Role } from '../domain/roles';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { QueryDefinition, UpdateDefinition, Workflow } from '@temporalio/common';
import { requireRole } from './auth';
import { HttpError } from './errors';
import { checkIdempotencyKey, idempotency } from './idempotency';
import { parse } from './validate';
import { ulid } from 'ulid';
import type { AuditActor } from '../db/queries/events';

/** What a handler may use: the database for reads, Temporal for every write to a case. */
export interface ApiDeps {
  db: Db;
  temporal: Client;
  config: Config;
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
 * Idempotency-Key (a replay only after every check has passed for the caller as they are now), then the handler.
 */
export function mountRoutes(router: Router, specs: RouteSpec[], deps: ApiDeps): void {
  const replayOrRecord = idempotency(deps.db);
  for (const spec of specs) {
    const koaPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    const guard: Middleware = spec.roles.length ? requireRole(...spec.roles) : (_ctx, next) => next();
    const checked: Middleware = async (ctx, next) => {
      checkIdempotencyKey(ctx.get('idempotency-key'));
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
    router[spec.method](koaPath, guard, checked, replayOrRecord, async (ctx) => {
      const result = await spec.handler({ ...(ctx.state.input as RouteInput<unknown, Record<string, unknown>>), resourceId: ctx.state.resourceId });
      ctx.status = spec.status ?? 200;
      ctx.body = result;
    });
  }
}

/**
 * The routes of one kind of case's actions: one POST per action type, each finding the case the
 * caller may see, turning the body into the action's payload, refusing a case that has ended and
 * sending it as the workflow's update. The update id derives from the request's Idempotency-Key (else
 * a fresh id), so a retried request applies once: Temporal deduplicates updates by id.
 */
export function caseActionRoutes<T extends string, R extends { id: string; status: string }>(kind: {
  basePath: string;
  bodies: Record<T, z.ZodType>;
  find: (deps: ApiDeps, actor: Actor, id: string) => Promise<R>;
  ended: (record: R) => string | null;
  workflowId: (id: string) => string;
  updates: Record<T, unknown>;
  /** `actor`: what the body names (a station, another case) must be inside the caller's sight too. */
  toPayload: (type: T, deps: ApiDeps, body: unknown, record: R, actor: Actor) => Promise<object>;
  routes: Array<{ type: T; path: string; summary: string; roles: Role[] }>;
}): RouteSpec[] {
  return kind.routes.map(({ type, path, summary, roles }) =>
    route({
      method: 'post',
      path: `${kind.basePath}/{id}/${path}`,
      summary,
      roles,
      body: kind.bodies[type],
      // The case, and what the body names (found as the caller may see it), checked before any replay.
      authorize: async ({ deps, actor, body, params }: RouteInput<unknown, object>) => {
        const record = await kind.find(deps, actor, params.id);
        const ended = kind.ended(record);
        return { record, ended, payload: ended ? null : await kind.toPayload(type, deps, body, record, actor) };
      },
      handler: async ({ deps, actor, target: { record, ended, payload }, requestId, operationId }) => {
        if (ended) throw new HttpError(409, 'not_allowed', ended);
        return deps.temporal.workflow.getHandle(kind.workflowId(record.id)).executeUpdate(kind.updates[type] as UpdateDefinition<unknown, [object]>, {
          args: [{ actor, requestId, payload }],
          updateId: `${type}:${actor.id}:${operationId}`,
        });
      },
    }),
  );
}

/**
 * Starts a case once, answering with its view once it is recorded (update-with-start, the early-return
 * pattern). The workflow id derives from the id the Idempotency-Key reserved, so a retried create joins
 * the running case, and a retry after the case has ended gets it as it stands instead of a second run.
 */
export async function startCase<T extends Workflow, V>(
  deps: ApiDeps,
  workflow: T,
  start: { workflowId: string; args: Parameters<T> },
  messages: { recorded: UpdateDefinition<V, []>; state: QueryDefinition<V> },
): Promise<V> {
  // The SDK's conditional option types cannot follow a generic workflow; the fields are plain.
  const options = { ...start, taskQueue: deps.config.taskQueue, workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE' } as unknown as ConstructorParameters<typeof WithStartWorkflowOperation<T>>[1];
  try {
    return await deps.temporal.workflow.executeUpdateWithStart(messages.recorded, { startWorkflowOperation: new WithStartWorkflowOperation(workflow, options) });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return deps.temporal.workflow.getHandle(start.workflowId).query(messages.state);
    throw error;
  }
}
