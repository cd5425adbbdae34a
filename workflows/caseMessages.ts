import type { UpdateDefinition, Workflow } from '@temporalio/common';
import { defineUpdate } from '@temporalio/workflow';
import type { Deadline, Pending } from '../domain/case';
import type { Actor } from '../domain/roles';

/** What every case's messages share; each process's `*.messages.ts` names its own over these. */

/** An action's fields without its type (the update's name says which). */
export type PayloadOf<A extends { type: string }, T extends A['type']> = Omit<Extract<A, { type: T }>, 'type'>;

/** Every person's action carries who takes it and the request it came from. */
export interface CaseRequest<A extends { type: string }, T extends A['type']> {
  actor: Actor;
  requestId?: string;
  payload: PayloadOf<A, T>;
}

/** The case as the workflow holds it, with who must act next and by when. */
export type CaseView<S, P extends Pending = Pending> = S & { pending: (P & Partial<Deadline>) | null };

/**
 * What an action's update answers: the case without its timeline. Temporal keeps every answer in the case's
 * history, so a whole timeline in each would make the history grow with the square of the case's length.
 */
export type ActionResult<V> = Omit<V, 'timeline'>;

export type ActionUpdates<A extends { type: string }, V> = { [T in A['type']]: UpdateDefinition<ActionResult<V>, [CaseRequest<A, T>]> };

/** One update per action type, named after it. */
export function defineActionUpdates<A extends { type: string }, V>(types: ReadonlyArray<A['type']>): ActionUpdates<A, V> {
  return Object.fromEntries(types.map((type) => [type, defineUpdate(type)])) as unknown as ActionUpdates<A, V>;
}

/**
 * A workflow's type name, typed by the workflow: starters (the API, activities, seeds) name the workflow with this
 * and import its function as a type only, so they never load workflow code and still check the start's arguments.
 */
export type WorkflowName<W extends Workflow> = string & { readonly workflow?: W };
export const workflowName = <W extends Workflow>(name: string) => name as WorkflowName<W>;
