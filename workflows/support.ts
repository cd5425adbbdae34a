import { ApplicationFailure, upsertSearchAttributes } from '@temporalio/workflow';
import type { Deadline, Pending } from '../domain/case';
import { Refusal } from '../domain/errors';
import { CaseStatus, DueTime, EscalationLevel, PendingOn } from './searchAttributes';

/** Turns a domain refusal into a failure whose type the API maps to 409, 403 or 400. */
export function refuseAsFailure(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof Refusal) {
      throw ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: true, details: error.field ? [{ field: error.field }] : [] });
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
