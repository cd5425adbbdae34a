import type { Middleware } from 'koa';
import { z } from 'zod';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, isGrpcServiceError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Refusal, type RefusalType } from '../domain/errors';

export interface ErrorDetail {
  field?: string;
  message: string;
}

/** An error the API answers with as it is: `{"error":{"code","message","details"}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const REFUSAL_STATUS: Record<RefusalType, [number, string]> = {
  NotAllowed: [409, 'not_allowed'],
  Forbidden: [403, 'forbidden'],
  Invalid: [400, 'invalid'],
  NotFound: [404, 'not_found'],
};

export function fromZod(error: z.ZodError): HttpError {
  // An unknown key is named by its own path (`status`, `organisation.status`), like every other bad field.
  const details = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'unknown field' }))
      : [{ field: issue.path.join('.') || '(body)', message: issue.message }],
  );
  return new HttpError(400, 'invalid', `invalid ${details.map((d) => d.field).join(', ')}`, details);
}

/** Maps every error to a status and a JSON body; never a stack trace, never a 500 for a client's mistake. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof z.ZodError) return fromZod(error);
  if (error instanceof Refusal) {
    const [status, code] = REFUSAL_STATUS[error.type];
    return new HttpError(status, code, error.message, error.field ? [{ field: error.field, message: error.message }] : []);
  }
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const failure = error.cause;
    const known = REFUSAL_STATUS[failure.type as RefusalType];
    if (known) {
      const field = (failure.details?.[0] as { field?: string } | undefined)?.field;
      return new HttpError(known[0], known[1], failure.message, field ? [{ field, message: failure.message }] : []);
    }
  }
  if (error instanceof WorkflowNotFoundError) return new HttpError(404, 'not_found', 'no such case');
  // A unique key hit by a concurrent request (the same card number imported twice at once).
  if ((error as { code?: string }).code === 'ER_DUP_ENTRY') return new HttpError(409, 'conflict', 'a concurrent request already recorded this; reload and retry');
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
    if (isGrpcServiceError(e) && (e.code === 14 || e.code === 4)) return true;
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
