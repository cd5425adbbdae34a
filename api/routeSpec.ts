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
import { parse } from './validate';
import type { AuditActor } from '../db/queries/events';

/** What a handler may use: the database for reads, Temporal for every write to a case. */
export interface ApiDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

export interface RouteInput<B, Q> {
  deps: ApiDeps;
  actor: Actor;
  /** Who acts, in which role (the first of the route's roles they hold) and in which request: for audit entries. */
  audit: AuditActor;
  body: B;
  query: Q;
  params: Record<string, string>;
  headers: Record<string, string | undefined>;
  requestId: string;
  /** Retries of one request share it: the Idempotency-Key when given, else the request id. */
  operationId: string;
  /** The id reserved by the Idempotency-Key for what this request creates, if any. */
  resourceId?: string;
}

/**
 * One route, declared once: the router mounts it and the OpenAPI document describes it from the
 * same schemas.
 */
export interface RouteSpec<B extends z.ZodType = z.ZodType, Q extends z.ZodObject = z.ZodObject> {
  method: 'get' | 'post';
  /** OpenAPI form, e.g. /v1/station-applications/{id} */
  path: string;
  summary: string;
  /** Who may call it; none means a public route (no token). */
  roles: Role[];
  body?: B;
  query?: Q;
  status?: number;
  handler: (input: RouteInput<z.infer<B>, z.infer<Q>>) => Promise<unknown>;
}

export function route<B extends z.ZodType, Q extends z.ZodObject>(spec: RouteSpec<B, Q>): RouteSpec {
  return spec as unknown as RouteSpec;
}

export function mountRoutes(router: Router, specs: RouteSpec[], deps: ApiDeps): void {
  for (const spec of specs) {
    const koaPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    const guard: Middleware = spec.roles.length ? requireRole(...spec.roles) : (_ctx, next) => next();
    router[spec.method](koaPath, guard, async (ctx) => {
      const body = spec.body ? parse(spec.body, ctx.request.body ?? {}) : undefined;
      const query = spec.query ? parse(spec.query, ctx.query) : {};
      const requestId = ctx.state.requestId as string;
      const actor = ctx.state.actor as Actor | undefined;
      const role = spec.roles.find((r) => actor?.roles.includes(r));
      const result = await spec.handler({
        deps,
        actor: ctx.state.actor,
        audit: { actorId: actor?.id ?? 'public', actorRole: role ?? 'public', requestId },
        body,
        query,
        params: ctx.params,
        headers: ctx.headers as Record<string, string | undefined>,
        requestId,
        operationId: ctx.get('idempotency-key') || requestId,
        resourceId: ctx.state.resourceId,
      });
      ctx.status = spec.status ?? 200;
      ctx.body = result;
    });
  }
}

/**
 * The routes of one kind of case's actions: one POST per action type, each finding the case the
 * caller may see, refusing a case that has ended, turning the body into the action's payload and
 * sending it as the workflow's update. The update id derives from the request (its Idempotency-Key,
 * else its id), so a retried request applies once: Temporal deduplicates updates by id.
 */
export function caseActionRoutes<T extends string, R extends { id: string; status: string }>(kind: {
  basePath: string;
  bodies: Record<T, z.ZodType>;
  find: (deps: ApiDeps, actor: Actor, id: string) => Promise<R>;
  ended: (record: R) => string | null;
  workflowId: (id: string) => string;
  updates: Record<T, unknown>;
  toPayload: (type: T, deps: ApiDeps, body: unknown, record: R) => Promise<object>;
  routes: Array<{ type: T; path: string; summary: string; roles: Role[] }>;
}): RouteSpec[] {
  return kind.routes.map(({ type, path, summary, roles }) =>
    route({
      method: 'post',
      path: `${kind.basePath}/{id}/${path}`,
      summary,
      roles,
      body: kind.bodies[type],
      handler: async ({ deps, actor, body, params, requestId, operationId }: RouteInput<unknown, object>) => {
        const record = await kind.find(deps, actor, params.id);
        const ended = kind.ended(record);
        if (ended) throw new HttpError(409, 'not_allowed', ended);
        const payload = await kind.toPayload(type, deps, body, record);
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
