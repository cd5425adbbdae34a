import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

const root = path.resolve(__dirname, '..');

/** Runs a set-up script; its failure fails the run loudly with the script's own words (never a skip). */
function run(script: string): string {
  try {
    return execFileSync('bash', [path.join(root, 'scripts', script)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch (error) {
    throw new Error(`scripts/${script} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** One Temporal dev server per test run (or TEMPORAL_ADDRESS's server), and MariaDB up. */
export default async function setup(project: TestProject) {
  run('ensure-mariadb.sh');
  if (process.env.TEMPORAL_ADDRESS) {
    project.provide('temporalAddress', process.env.TEMPORAL_ADDRESS);
    return;
  }
  const cli = process.env.TEMPORAL_CLI_PATH || run('temporal-cli.sh');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      ip: '127.0.0.1',
      ui: false,
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
  project.provide('temporalAddress', env.address);
  return async () => {
    await env.teardown();
  };
}
