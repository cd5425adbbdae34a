import { readFileSync } from 'node:fs';
import path from 'node:path';
import { databaseUrl } from '../db/connect';
import { defaultPolicy, policyWith, type Policy } from '../domain/policy';

/** Settings shared by the API and the worker, all from the environment. */
export interface Config {
  production: boolean;
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  smtpUrl?: string;
  outboxDir: string;
  jwtSecret: string;
  port: number;
  policy: Policy;
}

export const ROOT = path.resolve(__dirname, '..');
export const DEV_JWT_SECRET = 'development-only-secret-change-me-0123456789';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  if (production && !env.JWT_SECRET) throw new Error('JWT_SECRET is required when NODE_ENV=production');
  return {
    production,
    databaseUrl: databaseUrl(),
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TASK_QUEUE ?? 'appraisal-supervision',
    smtpUrl: env.SMTP_URL || undefined,
    outboxDir: env.OUTBOX_DIR ?? path.join(ROOT, '.data', 'outbox'),
    jwtSecret: env.JWT_SECRET ?? DEV_JWT_SECRET,
    port: Number(env.PORT ?? 3000),
    // POLICY_FILE holds overrides (JSON) merged onto the defaults and validated at start.
    policy: env.POLICY_FILE ? policyWith(JSON.parse(readFileSync(env.POLICY_FILE, 'utf8'))) : defaultPolicy,
  };
}
