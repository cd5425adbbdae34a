import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

/**
 * The API's connection to Temporal: lazy (the API starts, and says 503 on /readyz, while Temporal comes
 * up) and with a short retry budget, so an unreachable server turns into a 503 in about a second rather
 * than a request hanging for twenty.
 */
export function apiTemporalConnection(address: string): Connection {
  return Connection.lazy({
    address,
    connectTimeout: '2s',
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4 }))],
  });
}
