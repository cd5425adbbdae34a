import { policyWith, type DeepPartial, type Policy } from '../domain/policy';
import { DEV_JWT_SECRET, loadConfig } from '../platform/config';

/** What the benchmark's API process is started with (bench/apiProcess.ts): both processes build the same config from it. */
export interface ApiProcessSettings {
  databaseUrl: string;
  taskQueue: string;
  temporalAddress: string;
  smtpUrl: string;
  sealingKey: string;
  policy: DeepPartial<Policy>;
}

/** Parent to API process: start or stop sending the queries; answer once every query sent so far is out. */
export type ToApi = { capture: boolean; id: number } | { flush: number };
/** API process to parent: listening on a port; a query it sent; a message handled. */
export type FromApi = { ready: number } | { query: { sql: string; bindings: unknown[] } } | { ack: number };

export function benchApiConfig(s: ApiProcessSettings) {
  return {
    ...loadConfig({ JWT_SECRET: DEV_JWT_SECRET, SEALING_KEY: s.sealingKey }),
    databaseUrl: s.databaseUrl,
    taskQueue: s.taskQueue,
    temporalAddress: s.temporalAddress,
    smtpUrl: s.smtpUrl,
    policy: policyWith(s.policy),
  };
}
