import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT, loadConfig, workerNodeOptions } from '../platform/config';
import { mintToken } from '../api/auth';
import { Client } from '@temporalio/client';
import { connect, migrateDatabase } from '../db/connect';
import { DEMO_USERS, seedDemo } from '../db/seeds/demo';
import { startDemoCycles } from './demoCycles';
import { connectWhenReady, ensureSearchAttributes, startDevServer } from './temporal';

const WORKER_ENTRY = 'activities/worker.ts';

/**
 * `npm start` after scripts/start.sh has installed what was missing: migrate and seed MySQL, start the
 * Temporal dev server (unless TEMPORAL_ADDRESS names one), the worker and the API; Ctrl-C stops them all.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const children: ChildProcess[] = [];
  const stopAll = (code: number) => {
    for (const child of children.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
    setTimeout(() => process.exit(code), 1500).unref();
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  let demoImport = '';
  await migrateDatabase(undefined, async (owner) => {
    demoImport = await seedDemo(owner);
  });
  console.log(`MySQL: migrated and seeded; the application connects as ${redact(config.databaseUrl)}`);

  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: config.temporalAddress };
  if (!process.env.TEMPORAL_ADDRESS) {
    const cli = process.env.TEMPORAL_CLI_PATH;
    if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set: run `npm start`, which finds or builds the Temporal CLI');
    const server = startDevServer({ cli, dbFile: path.join(ROOT, '.data', 'temporal.sqlite'), port: 7233, uiPort: 8233 });
    children.push(server);
    server.on('exit', (code) => {
      console.error(`Temporal dev server exited (${code}); stopping`);
      stopAll(1);
    });
    console.log(`Temporal: dev server from ${cli}, persisting to .data/temporal.sqlite`);
  } else {
    console.log(`Temporal: using the server at ${config.temporalAddress} (TEMPORAL_ADDRESS)`);
  }
  const connection = await connectWhenReady(config.temporalAddress);
  await ensureSearchAttributes(connection, config.namespace);

  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  for (const entry of [WORKER_ENTRY, 'api/server.ts']) {
    const options = entry === WORKER_ENTRY ? { ...env, NODE_OPTIONS: workerNodeOptions(env) } : env;
    const child = spawn(tsx, [path.join(ROOT, entry)], { env: options, stdio: 'inherit' });
    children.push(child);
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) {
        console.error(`${entry} exited (${code}); stopping`);
        stopAll(1);
      }
    });
  }

  // The demo register's qualification cycles, once the worker takes them (the seed could not: no worker then).
  const db = connect(config.databaseUrl);
  startDemoCycles(
    { db, temporal: new Client({ connection, namespace: config.namespace }), taskQueue: config.taskQueue, policy: config.policy.qualification },
    demoImport,
  )
    .then(() => console.log('Demo examiners: qualification cycles running'))
    .catch((error) => console.error('Demo examiners: could not start their qualification cycles', error))
    .finally(() => Promise.all([db.destroy(), connection.close()]));

  const tokens = await Promise.all(DEMO_USERS.map(async (u) => `  ${u.id.padEnd(10)} ${u.roles.join(',').padEnd(22)} ${await mintToken(config, u.id)}`));
  console.log(`
appraisal-supervision is starting:
  API            http://127.0.0.1:${config.port}   (GET /healthz, /readyz, /openapi.json)
  Console        http://127.0.0.1:${config.port}/console/   (sign in with a token below, or pick a demo user)
  Temporal UI    ${process.env.TEMPORAL_ADDRESS ? '(the UI of your Temporal server)' : 'http://127.0.0.1:8233'}
  Mail           ${config.smtpUrl ? redact(config.smtpUrl) : `.eml files in ${path.relative(ROOT, config.outboxDir)}/`}
Dev tokens (12 h; npm run token -- <user> for a fresh one):
${tokens.join('\n')}
Ctrl-C stops everything started here.
`);
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
