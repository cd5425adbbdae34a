/**
 * Refusals that both the API and the workflow validators raise. The workflow turns them into
 * ApplicationFailures of the same type; the API maps the type to an HTTP status.
 */
export type RefusalType = 'NotAllowed' | 'Forbidden' | 'Invalid' | 'NotFound';

export class Refusal extends Error {
  constructor(
    readonly type: RefusalType,
    message: string,
    readonly field?: string,
    /** The field's stable code in the API's answer (`details[].code`). */
    readonly code = 'invalid',
  ) {
    super(message);
    this.name = type;
  }
}

/** The action is not allowed in the case's current state (HTTP 409). */
export const notAllowed = (message: string) => new Refusal('NotAllowed', message);
/** The actor may not take this action on this case (HTTP 403). */
export const forbidden = (message: string) => new Refusal('Forbidden', message);
/** The input breaks a business rule on a named field (HTTP 400). */
export const invalid = (field: string, message: string, code?: string) => new Refusal('Invalid', message, field, code);
