import { readFileSync } from 'node:fs';
import path from 'node:path';
import { databaseUrl } from '../db/connect';
import { durationMs } from '../domain/duration';
import { defaultPolicy, policyWith, type DeepPartial, type Policy } from '../domain/policy';
import { sealingKey } from './sealing';
import { signingKeys, type SigningKey } from './signing';

/** Settings shared by the API and the worker, all from the environment. */
export interface Config {
  /** NODE_ENV=development (what `npm start` sets): the only mode with built-in secrets, demo sign-in and source maps. */
  development: boolean;
  production: boolean;
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  smtpUrl?: string;
  outboxDir: string;
  jwtSecret: string;
  /** Tokens must name this issuer and audience, and expire within tokenMaxLifetimeSeconds of being checked. */
  jwtIssuer: string;
  jwtAudience: string;
  tokenMaxLifetimeSeconds: number;
  /** How long the API may keep a person's roles and jurisdictions from the user register before reading them again. */
  identityCacheMs: number;
  host: string;
  port: number;
  policy: Policy;
  /** The key personal data is sealed under (see ./sealing). */
  sealingKey: Buffer;
  /** The keys electronic certificates are signed with (see ./signing): the first signs, the rest only verify. */
  certificateSigningKeys: SigningKey[];
  /** Where the public reaches the console (no trailing slash): a certificate's QR code opens its verification page there. */
  publicBaseUrl: string;
  mailFrom: string;
}

export const ROOT = path.resolve(__dirname, '..');
export const DEV_JWT_SECRET = 'development-only-secret-change-me-0123456789';

/**
 * Node's options for the worker process, wherever it is launched (scripts/dev.ts, docker-compose.yml, the benchmark):
 * its old generation capped, so V8 collects before it grows the heap. Starting cases in numbers, an uncapped worker
 * peaked at 567–788 MB on garbage not yet collected, a capped one at 427–449 MB (BENCHMARKS.md, "Tuning done"); what it
 * keeps live (100 cached workflows, a page of an import; bundling the workflows in development) is well below the cap.
 */
export const WORKER_NODE_OPTIONS = '--max-old-space-size=384';

/** NODE_OPTIONS for the worker: the caller's, then the worker's own. */
export const workerNodeOptions = (env: NodeJS.ProcessEnv) => [env.NODE_OPTIONS, WORKER_NODE_OPTIONS].filter(Boolean).join(' ');

const MIN_SECRET_BYTES = 32;

/** The built-in secret serves development only; anywhere else a real one is required, so a forgotten setting fails at start. */
function jwtSecret(env: NodeJS.ProcessEnv, development: boolean): string {
  if (!env.JWT_SECRET && development) return DEV_JWT_SECRET;
  if (!env.JWT_SECRET) throw new Error(`JWT_SECRET is required unless NODE_ENV=development (it is ${env.NODE_ENV ?? 'unset'})`);
  if (Buffer.byteLength(env.JWT_SECRET) < MIN_SECRET_BYTES) throw new Error(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  return env.JWT_SECRET;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const development = env.NODE_ENV === 'development';
  const host = env.HOST ?? '127.0.0.1';
  const port = Number(env.PORT ?? 3000);
  const sealing = sealingKey(env);
  return {
    development,
    production: env.NODE_ENV === 'production',
    databaseUrl: databaseUrl(),
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TASK_QUEUE ?? 'appraisal-supervision',
    smtpUrl: env.SMTP_URL || undefined,
    outboxDir: env.OUTBOX_DIR ?? path.join(ROOT, '.data', 'outbox'),
    mailFrom: env.MAIL_FROM ?? 'appraisal-supervision <no-reply@appraisal.example.gov.cn>',
    sealingKey: sealing,
    jwtSecret: jwtSecret(env, development),
    certificateSigningKeys: signingKeys(env, sealing),
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://${host}:${port}/console`).replace(/\/+$/, ''),
    jwtIssuer: env.JWT_ISSUER ?? 'appraisal-supervision',
    jwtAudience: env.JWT_AUDIENCE ?? 'appraisal-supervision-api',
    tokenMaxLifetimeSeconds: durationMs(env.TOKEN_MAX_LIFETIME ?? 'PT12H') / 1000,
    identityCacheMs: Number(env.IDENTITY_CACHE_MS ?? 3000),
    host,
    port,
    // POLICY_FILE holds overrides (JSON) merged onto the defaults and validated at start.
    policy: env.POLICY_FILE ? policyWith(JSON.parse(readFileSync(env.POLICY_FILE, 'utf8')) as DeepPartial<Policy>) : defaultPolicy,
  };
}
