import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type WorkflowStartOptions } from '@temporalio/client';
import type { QueryDefinition, UpdateDefinition, Workflow } from '@temporalio/common';
import type { z } from 'zod';
import type { Db } from '../db/connect';
import { caseTimeline } from '../db/queries/events';
import { findUsers } from '../db/queries/users';
import type { Actor, Person, Role } from '../domain/roles';
import { HttpError } from './errors';
import type { WorkflowName } from '../workflows/caseMessages';
import { route, type ApiDeps, type RouteInput, type RouteSpec } from './routeSpec';

/** What the kinds of case (station applications, inspections, qualifications, complaints) share in the API. */

/** Every case workflow answers its state, timeline included, to this query (see workflows/caseRuntime.ts). */
const CASE_STATE_QUERY = 'state';

type Find<R> = (deps: ApiDeps, actor: Actor, id: string) => Promise<R>;

/** A kind of case as its routes need it: where they live, how the caller's view of one is found, its workflow. */
export interface CaseKind<R extends { id: string; status: string }> {
  basePath: string;
  /** Its audit trail's case type. */
  caseType: string;
  find: Find<R>;
  workflowId: (id: string) => string;
  /** Why the case takes no more actions (its workflow has ended), or null while it runs. */
  ended: (record: R) => string | null;
}

/**
 * The case the caller may see by the id in the path, or 404: a malformed id, an unknown one and one outside
 * the caller's reach get the same answer (a case beyond one's reach does not exist for them).
 */
export function visibleCase<R>(id: z.ZodString, find: (db: Db, actor: Actor, id: string) => Promise<R | undefined>, noun: string): Find<R> {
  return async (deps, actor, given) => {
    const parsed = id.safeParse(given);
    const record = parsed.success ? await find(deps.db, actor, parsed.data) : undefined;
    if (!record) throw new HttpError(404, 'not_found', `no ${noun} ${given}`);
    return record;
  };
}

/** `GET <path>/{id}/timeline`: the audit entries of what the caller may see, in order. */
export function timelineRoute(spec: { path: string; summary: string; roles: Role[]; caseType: string; find: Find<{ id: string | number }> }): RouteSpec {
  return route({
    method: 'get',
    path: `${spec.path}/{id}/timeline`,
    summary: spec.summary,
    roles: spec.roles,
    handler: async ({ deps, actor, params }) => ({ items: await caseTimeline(deps.db, spec.caseType, String((await spec.find(deps, actor, params.id)).id)) }),
  });
}

/**
 * A case's reads: `GET <basePath>/{id}`, the stored record and, while the case runs, its workflow's live state
 * (and what `more` adds); and its timeline.
 */
export function caseReadRoutes<R extends { id: string; status: string }>(
  kind: CaseKind<R>,
  reads: { roles: Role[]; state: QueryDefinition<unknown>; summary: string; timeline: string; more?: (deps: ApiDeps, record: R) => Promise<object> },
): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: `${kind.basePath}/{id}`,
      summary: reads.summary,
      roles: reads.roles,
      handler: async ({ deps, actor, params }) => {
        const record = await kind.find(deps, actor, params.id);
        const live = kind.ended(record) ? null : await deps.temporal.workflow.getHandle(kind.workflowId(record.id)).query(reads.state);
        return { record, live, ...(await reads.more?.(deps, record)) };
      },
    }),
    timelineRoute({ path: kind.basePath, summary: reads.timeline, roles: reads.roles, caseType: kind.caseType, find: kind.find }),
  ];
}

/**
 * The routes of one kind of case's actions: one POST per action type, each finding the case the
 * caller may see, turning the body into the action's payload, refusing a case that has ended and
 * sending it as the workflow's update. The update id derives from the request's Idempotency-Key (else
 * a fresh id), so a retried request applies once: Temporal deduplicates updates by id.
 */
export function caseActionRoutes<R extends { id: string; status: string }, B extends Record<string, z.ZodType>>(
  kind: CaseKind<R>,
  actions: {
    bodies: B;
    updates: Record<keyof B, unknown>;
    /** `actor`: what the body names (a station, another case) must be inside the caller's sight too. */
    toPayload: { [T in keyof B]: (deps: ApiDeps, body: z.infer<B[T]>, record: R, actor: Actor) => Promise<object> };
    routes: Array<{ type: keyof B & string; path: string; summary: string; roles: Role[] }>;
  },
): RouteSpec[] {
  return actions.routes.map(({ type, path, summary, roles }) => {
    const toPayload = actions.toPayload[type] as (deps: ApiDeps, body: unknown, record: R, actor: Actor) => Promise<object>;
    return route({
      method: 'post',
      path: `${kind.basePath}/{id}/${path}`,
      summary,
      roles,
      body: actions.bodies[type],
      // The case, and what the body names (found as the caller may see it), checked before any replay.
      authorize: async ({ deps, actor, body, params }: RouteInput<unknown, object>) => {
        const record = await kind.find(deps, actor, params.id);
        const ended = kind.ended(record);
        return { record, ended, payload: ended ? null : await toPayload(deps, body, record, actor) };
      },
      handler: async ({ deps, actor, target: { record, ended, payload }, requestId, operationId }) => {
        if (ended) throw new HttpError(409, 'not_allowed', ended);
        const handle = deps.temporal.workflow.getHandle(kind.workflowId(record.id));
        const result = await handle.executeUpdate(actions.updates[type] as UpdateDefinition<{ version: number }, [object]>, {
          args: [{ actor, requestId, payload }],
          updateId: `${type}:${actor.id}:${operationId}`,
        });
        // The update answers without the timeline (its history keeps every answer); the case's state has it, and its
        // entries up to the answer's version are the timeline as this action left it (a retried request answers the same).
        const live = await handle.query<{ timeline: Array<{ seq: number }> }>(CASE_STATE_QUERY);
        return { ...result, timeline: live.timeline.filter((e) => e.seq <= result.version) };
      },
    });
  });
}

/**
 * Starts a case once, answering with its view once it is recorded (update-with-start, the early-return
 * pattern). The workflow id derives from the id the Idempotency-Key reserved, so a retried create joins
 * the running case, and a retry after the case has ended gets it as it stands instead of a second run.
 */
export async function startCase<T extends Workflow, V>(
  deps: ApiDeps,
  workflow: WorkflowName<T>,
  start: { workflowId: string; args: Parameters<T> },
  messages: { recorded: UpdateDefinition<V, []>; state: QueryDefinition<V> },
): Promise<V> {
  // The SDK's conditional option types cannot follow a generic workflow; the fields are plain.
  const options = {
    ...start,
    taskQueue: deps.config.taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  } as unknown as ConstructorParameters<typeof WithStartWorkflowOperation<T>>[1];
  try {
    return await deps.temporal.workflow.executeUpdateWithStart(messages.recorded, {
      startWorkflowOperation: new WithStartWorkflowOperation<T>(workflow, options),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return deps.temporal.workflow.getHandle(start.workflowId).query(messages.state);
    throw error;
  }
}

/**
 * Starts a case's workflow once, without waiting for it to run: a retried create (the same workflow id) joins the running
 * case, one after the case has ended leaves it as it stands. For a create that writes the case's first row itself.
 */
export async function startOnce<T extends Workflow>(
  deps: ApiDeps,
  workflow: WorkflowName<T>,
  start: { workflowId: string; args: Parameters<T> },
): Promise<void> {
  const options = {
    ...start,
    taskQueue: deps.config.taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  } as unknown as WorkflowStartOptions<T>;
  try {
    await deps.temporal.workflow.start<T>(workflow, options);
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** The people a body names, from the user register and in its order, as an action's payload carries them (400 naming `field` for anyone unknown). */
export async function registeredPeople(deps: ApiDeps, ids: string[], field: string): Promise<Person[]> {
  const found = await findUsers(deps.db, ids);
  const unknown = ids.filter((i) => !found.some((p) => p.id === i));
  if (unknown.length)
    throw new HttpError(400, 'invalid', `unknown user ${unknown.join(', ')}`, [{ field, code: 'unknown_user', message: `unknown user ${unknown.join(', ')}` }]);
  return ids.map((i) => found.find((p) => p.id === i)!).map(({ stationId: _s, ...person }) => person);
}
