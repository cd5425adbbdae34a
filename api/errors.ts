import type { Middleware } from 'koa';
import { z } from 'zod';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, isGrpcServiceError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Refusal, type RefusalType } from '../domain/errors';

export interface ErrorDetail {
  field?: string;
  /** Stable and machine-readable (`required`, `too_short`, `no_such_station`…), for a client to act on or translate; `message` is English. */
  code: string;
  message: string;
  /** The bound a `too_short`, `too_long`, `too_few`, `too_many`, `too_small` or `too_big` value missed. */
  limit?: number;
}

/** An error the API answers with as it is: `{"error":{"code","message","details"}}`. */
export class HttpError extends Error {
  readonly details: ErrorDetail[];

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** A detail without a code of its own is `invalid`. */
    details: Array<Omit<ErrorDetail, 'code'> & { code?: string }> = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.details = details.map(({ code = 'invalid', ...detail }) => ({ ...detail, code }));
  }
}

const REFUSAL_STATUS: Record<RefusalType, [number, string]> = {
  NotAllowed: [409, 'not_allowed'],
  Forbidden: [403, 'forbidden'],
  Invalid: [400, 'invalid'],
  NotFound: [404, 'not_found'],
};

/** Sizes by what was measured: characters of a string, items of a list, or the value of a number or date. */
const SIZE_CODES: Record<'too_small' | 'too_big', Record<string, string>> = {
  too_small: { string: 'too_short', array: 'too_few', set: 'too_few' },
  too_big: { string: 'too_long', array: 'too_many', set: 'too_many' },
};
const FORMAT_CODES: Record<string, string> = { email: 'invalid_email', date: 'invalid_date', datetime: 'invalid_datetime' };

/**
 * The stable code of a zod issue. A refinement names its own (`params: { code }`); a missing value is `required`
 * only when the issue reports its input (`parse` asks for it), since zod's message is no contract.
 */
function detailOf(issue: z.core.$ZodIssue): Omit<ErrorDetail, 'field'> {
  const message = issue.message;
  switch (issue.code) {
    case 'too_small':
    case 'too_big':
      // An exclusive bound (`positive()`) has no limit a person could be told to meet, nor has a date one in its milliseconds.
      return {
        code: SIZE_CODES[issue.code][issue.origin] ?? issue.code,
        message,
        limit: issue.inclusive === false || issue.origin === 'date' ? undefined : Number(issue.code === 'too_small' ? issue.minimum : issue.maximum),
      };
    case 'invalid_type':
      return { code: 'input' in issue && issue.input === undefined ? 'required' : 'invalid_type', message };
    case 'invalid_format':
      return { code: FORMAT_CODES[issue.format] ?? 'invalid_format', message };
    case 'invalid_value':
      return { code: 'invalid_choice', message };
    case 'custom':
      return { code: typeof issue.params?.code === 'string' ? issue.params.code : 'invalid', message };
    default:
      return { code: 'invalid', message };
  }
}

export function fromZod(error: z.ZodError): HttpError {
  // An unknown key is named by its own path (`status`, `organisation.status`), like every other bad field.
  const details = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), code: 'unknown_field', message: 'unknown field' }))
      : [{ field: issue.path.join('.') || '(body)', ...detailOf(issue) }],
  );
  return new HttpError(400, 'invalid', `invalid ${details.map((d) => d.field).join(', ')}`, details);
}

/** Maps every error to a status and a JSON body; never a stack trace, never a 500 for a client's mistake. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof z.ZodError) return fromZod(error);
  if (error instanceof Refusal) {
    const [status, code] = REFUSAL_STATUS[error.type];
    return new HttpError(status, code, error.message, error.field ? [{ field: error.field, code: error.code, message: error.message }] : []);
  }
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const failure = error.cause;
    const known = REFUSAL_STATUS[failure.type as RefusalType];
    if (known) {
      const { field, code } = (failure.details?.[0] as { field?: string; code?: string } | undefined) ?? {};
      return new HttpError(known[0], known[1], failure.message, field ? [{ field, code, message: failure.message }] : []);
    }
  }
  if (error instanceof WorkflowNotFoundError) return new HttpError(404, 'not_found', 'no such case');
  // A unique key hit by a concurrent request (the same card number imported twice at once).
  if ((error as { code?: string }).code === 'ER_DUP_ENTRY')
    return new HttpError(409, 'conflict', 'a concurrent request already recorded this; reload and retry');
  // Two writers of one case met; the loser's transaction was rolled back whole.
  if (['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT'].includes(String((error as { code?: string }).code))) {
    return new HttpError(409, 'conflict', 'a concurrent change to the same record; retry', [], { 'Retry-After': '1' });
  }
  const status = (error as { status?: number; expose?: boolean }).status;
  if (status === 413) return new HttpError(413, 'payload_too_large', 'the request body is too large');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, status === 415 ? 'unsupported_media_type' : 'bad_request', (error as Error).message);
  }
  if (isUnavailable(error)) {
    return new HttpError(503, 'unavailable', 'a backing service is unavailable; retry shortly', [], { 'Retry-After': '5' });
  }
  return new HttpError(500, 'internal', 'internal error');
}

/** MySQL or Temporal out of reach: connection refused, pool timeout, gRPC UNAVAILABLE or DEADLINE_EXCEEDED. */
function isUnavailable(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR'].includes(code)) return true;
    if (e instanceof Error && /Knex: Timeout acquiring a connection/.test(e.message)) return true;
    // gRPC status codes UNAVAILABLE (14) and DEADLINE_EXCEEDED (4).
    if (isGrpcServiceError(e) && [14, 4].includes(Number(e.code))) return true;
    if (e instanceof Error && e.name === 'ServiceError' && /UNAVAILABLE|DEADLINE_EXCEEDED|connect/i.test(e.message)) return true;
  }
  return false;
}

export const errorMiddleware: Middleware = async (ctx, next) => {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) throw new HttpError(404, 'not_found', `no route for ${ctx.method} ${ctx.path}`);
  } catch (error) {
    const http = toHttpError(error);
    if (http.status >= 500) ctx.state.log?.error({ err: error }, 'request failed');
    ctx.status = http.status;
    ctx.set(http.headers);
    ctx.body = { error: { code: http.code, message: http.message, details: http.details } };
  }
};
