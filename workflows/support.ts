import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { CalendarActivities, CertificateActivities, MailActivities, StarterActivities, StoreActivities } from '../activities';
import type { Actor } from '../domain/roles';
import type { Deadline, Pending } from '../domain/case';
import { Refusal } from '../domain/errors';
import { CaseStatus, DueTime, EscalationLevel, PendingOn } from './searchAttributes';

/** Turns a domain refusal into a failure whose type the API maps to 409, 403 or 400. */
export function refuseAsFailure(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof Refusal) {
      throw ApplicationFailure.create({
        type: error.type,
        message: error.message,
        nonRetryable: true,
        details: error.field ? [{ field: error.field, code: error.code }] : [],
      });
    }
    throw error;
  }
}

/** Where a case stands, for operators filtering in Temporal's UI. */
export function upsertCaseSearchAttributes(status: string, pending: Pending | null, deadline: Deadline | undefined): void {
  upsertSearchAttributes([
    { key: CaseStatus, value: status },
    { key: PendingOn, value: pending ? (pending.userIds.length ? pending.userIds.map((id) => `user:${id}`) : [`role:${pending.role}`]) : [] },
    { key: DueTime, value: deadline ? new Date(deadline.dueAt) : null },
    { key: EscalationLevel, value: deadline?.escalationLevel ?? 0 },
  ]);
}

/** Workflow time (deterministic in a workflow) as an ISO string. */
export function now(): string {
  return new Date().toISOString();
}

/** A person's action on a case, as every action update carries it. */
export interface ActionRequestLike {
  actor: Actor;
  requestId?: string;
  payload: object;
}

/**
 * Registers one update per action type: the validator refuses what the case does not allow (so a
 * refused action never enters history), the handler applies it.
 */
export function setActionHandlers<T extends string, R extends ActionRequestLike, V>(
  updates: Record<T, unknown>,
  handlers: { validate: (type: T, request: R) => void; apply: (type: T, request: R) => Promise<V> },
): void {
  for (const type of Object.keys(updates) as T[]) {
    setHandler(updates[type] as UpdateDefinition<V, [R]>, (request: R) => handlers.apply(type, request), {
      validator: (request: R) => refuseAsFailure(() => handlers.validate(type, request)),
    });
  }
}

/** The early-return update sent with a case's start: answers once the case is recorded. */
export function setRecordedHandler<V>(update: UpdateDefinition<V, []>, recorded: () => boolean, view: () => V): void {
  setHandler(update, async () => {
    await condition(recorded, '1 minute');
    return view();
  });
}

/** Database writes: short, retried until MySQL is back (nothing is lost while it is down). */
export const store = proxyActivities<StoreActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** Mail: an SMTP server may be slow or away for a while; permanent refusals come back as 'failed'. */
export const mail = proxyActivities<MailActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/** Starting other workflows a page at a time: more time per call, retried as a whole (the starts are idempotent). */
export const starter = proxyActivities<StarterActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** The certificate register: one transaction per call, retried until MySQL answers (a retry issues nothing twice). */
export const certificates = proxyActivities<CertificateActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** Working-day arithmetic over the published calendar: a read, quick, retried until MySQL answers. */
export const calendar = proxyActivities<CalendarActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});
