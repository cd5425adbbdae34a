import { existsSync } from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { connect } from '../db/connect';
import { createActivities, type ActivityDeps } from '.';
import { ROOT, loadConfig } from './config';
import { createMailer } from './mailer';

export const WORKFLOWS_PATH = path.join(ROOT, 'workflows', 'index.ts');
export const WORKFLOW_BUNDLE_PATH = path.join(ROOT, 'dist', 'workflow-bundle.js');

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
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const db = connect(config.databaseUrl);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, outboxDir: config.outboxDir });
  const prebuilt = existsSync(WORKFLOW_BUNDLE_PATH) && process.env.NODE_ENV === 'production';
  const worker = await createWorker({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    deps: { db, mailer },
    ...(prebuilt ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } } : {}),
  });
  console.log(`worker on task queue ${config.taskQueue} at ${config.temporalAddress}; mail to ${mailer.target}`);
  try {
    await worker.run();
  } finally {
    mailer.close();
    await db.destroy();
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
