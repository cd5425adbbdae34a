import { existsSync, readdirSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import path from 'node:path';
import { bundleWorkflowCode, NativeConnection, Worker, type Logger, type WorkerOptions } from '@temporalio/worker';
import { connect } from '../db/connect';
import { createActivities, type ActivityDeps } from '.';
import { ROOT, loadConfig } from '../platform/config';
import { ensureHousekeepingSchedule } from './housekeeping';
import { createMailer } from './mailer';
import { ensureQuarterlyReportSchedule } from './quarterlyReport';
import { ensureWarningSchedule } from './warnings';
import { createSealer } from '../platform/sealing';
import { ensureStatisticsSchedule } from './statistics';

export const WORKFLOWS_PATH = path.join(ROOT, 'workflows', 'index.ts');
export const WORKFLOW_BUNDLE_PATH = path.join(ROOT, 'dist', 'workflow-bundle.js');

/**
 * The domain modules (pure rules, no state, no workflow API; README "How it is built") and zod: the worker
 * evaluates them once and shares them, frozen, between all workflows instead of evaluating them again for
 * each new one. They build their zod schemas at load, which otherwise took about a third of the worker's
 * single workflow thread when cases start in numbers (see BENCHMARKS.md).
 */
export const PRELOADED_WORKFLOW_MODULES = [
  'zod',
  ...readdirSync(path.join(ROOT, 'domain'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(ROOT, 'domain', f)),
];

/** A worker over the given dependencies; tests pass a pre-built bundle, production the file built by `npm run build:workflows`. */
export async function createWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  workflowBundle?: WorkerOptions['workflowBundle'];
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    // A deliberate restart lets running activities finish; a crash is covered by their timeouts.
    shutdownGraceTime: '5s',
    // Each cached workflow holds its own instance of the workflow modules and its state (an inspection its
    // checklist); the SDK's default (about 2,300 with Node's 4 GB heap) let a worker with thousands of waiting
    // cases pass 1 GB. An evicted case is replayed from its history, kept short by continue-as-new, when it next
    // wakes. 100 against 250: 334 MB against 582 MB idle after 5,000 new cycles, at the same rate (BENCHMARKS.md).
    maxCachedWorkflows: 100,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: PRELOADED_WORKFLOW_MODULES } }),
  });
}

/** Webpack's build report is noise at every start; warnings and errors still show. */
export const quietBundler: Logger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message, meta) => console.warn(message, meta ?? ''),
  error: (message, meta) => console.error(message, meta ?? ''),
};

async function main(): Promise<void> {
  const config = loadConfig();
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const clientConnection = await Connection.connect({ address: config.temporalAddress });
  const temporal = new Client({ connection: clientConnection, namespace: config.namespace });
  const db = connect(config.databaseUrl);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, outboxDir: config.outboxDir, from: config.mailFrom });
  // Production loads the bundle built by `npm run build:workflows`; development bundles the sources at start.
  const prebuilt = existsSync(WORKFLOW_BUNDLE_PATH) && config.production;
  const workflowBundle = prebuilt
    ? { codePath: WORKFLOW_BUNDLE_PATH }
    : await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, preloadModules: PRELOADED_WORKFLOW_MODULES, logger: quietBundler });
  const worker = await createWorker({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    deps: { db, mailer, temporal, sealer: createSealer(config.sealingKey) },
    workflowBundle,
  });
  await ensureHousekeepingSchedule(temporal, { taskQueue: config.taskQueue, policy: config.policy.housekeeping });
  await ensureQuarterlyReportSchedule(temporal, { taskQueue: config.taskQueue });
  await ensureStatisticsSchedule(temporal, { taskQueue: config.taskQueue, policy: config.policy.statistics });
  const { warning, inspection, complaint } = config.policy;
  await ensureWarningSchedule(temporal, { taskQueue: config.taskQueue, input: { warning, inspection, complaint } });
  console.log(`worker on task queue ${config.taskQueue} at ${config.temporalAddress}; mail to ${mailer.target}`);
  try {
    await worker.run();
  } finally {
    mailer.close();
    await db.destroy();
    await clientConnection.close();
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
