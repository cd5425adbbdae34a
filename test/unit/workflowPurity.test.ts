import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, it, expect } from 'vitest';

/**
 * Workflow code runs in Temporal's deterministic sandbox and is replayed from history, so it (and the domain code it
 * uses) may import only the workflow SDK, zod and other pure project code; anything that touches the network, the
 * database, the clock or the file system must come in as an activity. ESLint enforces that over the real files
 * (eslint.config.mjs, run by `npm test`); this test checks that the configuration still refuses what it must, so an
 * edit to it cannot quietly open the sandbox.
 */

const ROOT = path.resolve(__dirname, '../..');
const PURITY_RULES = ['@typescript-eslint/no-restricted-imports', '@typescript-eslint/no-import-type-side-effects', 'no-restricted-syntax'];

// Only the purity rules, without type information: the samples are not files of the project.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => PURITY_RULES.includes(ruleId),
});

/** The purity rules' complaints about `source` as if it were `file` (relative to the repository root), one line each. */
async function complaints(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return result.messages.map((m) => `${m.line}: ${m.ruleId ?? 'parse error'}: ${m.message}`);
}

/** The 1-based lines of `source` that the purity rules refuse. */
async function refusedLines(file: string, source: string): Promise<number[]> {
  return [...new Set((await complaints(file, source)).map((c) => Number(c.split(':')[0])))];
}

describe('what workflow code may import', () => {
  it('refuses Node built-ins, with and without the node: prefix, and their subpaths', async () => {
    const source = [
      "import fs from 'node:fs';",
      "import * as crypto from 'crypto';",
      "import { readFile } from 'fs/promises';",
      "import path from 'path';",
    ].join('\n');
    expect(await refusedLines('workflows/sample.ts', source)).toEqual([1, 2, 3, 4]);
  });

  it('refuses any other package: the Temporal client, worker and activity SDKs, knex, mysql2, nodemailer, ulid', async () => {
    const packages = ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'knex', 'mysql2', 'nodemailer', 'ulid'];
    const source = packages.map((p, i) => `import * as p${i} from '${p}';`).join('\n');
    expect(await refusedLines('workflows/sample.ts', source)).toEqual(packages.map((_, i) => i + 1));
  });

  it('refuses a value import, a re-export and a side-effect import from the impure folders', async () => {
    const source = [
      "import { connect } from '../db/connect';",
      "import { createActivities } from '../activities';",
      "import { sendMail } from '../activities/mailer';",
      "import { loadConfig } from '../platform/config';",
      "import { createApp } from '../api/app';",
      "import { build } from '../scripts/build-workflow-bundle';",
      "export { queries } from '../db/queries';",
      "import '../activities/worker';",
    ].join('\n');
    expect(await refusedLines('workflows/sample.ts', source)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses inline `type` specifiers (the module is still loaded), require(), import() and paths leaving the project', async () => {
    const source = [
      "import { type Knex } from '../db/connect';",
      "const os = require('os');",
      "const m = await import('./text');",
      "import { x } from '../../elsewhere';",
    ].join('\n');
    expect(await refusedLines('workflows/sample.ts', source)).toEqual([1, 2, 3, 4]);
  });

  it('allows the workflow SDK, zod, pure project code and type-only imports from the impure folders', async () => {
    const source = [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import type { UpdateDefinition } from '@temporalio/common';",
      "import { z } from 'zod';",
      "import { durationMs } from '../domain/duration';",
      "import { CaseType } from './searchAttributes';",
      "import type { Activities } from '../activities';",
      "import type { CaseEvent } from '../db/queries/events';",
      "export type { Config } from '../platform/config';",
    ].join('\n');
    expect(await complaints('workflows/sample.ts', source)).toEqual([]);
  });
});

describe('what domain code may import', () => {
  it('refuses Temporal values, Node built-ins, other packages and the impure folders', async () => {
    const source = [
      "import { sleep } from '@temporalio/workflow';",
      "import { ApplicationFailure } from '@temporalio/common';",
      "import type { Client } from '@temporalio/client';",
      "import { randomUUID } from 'node:crypto';",
      "import { ulid } from 'ulid';",
      "import { queries } from '../db/queries';",
      "import { loadConfig } from '../platform/config';",
    ].join('\n');
    expect(await refusedLines('domain/sample.ts', source)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('allows zod, pure project code and types from the workflow SDK and the impure folders', async () => {
    const source = [
      "import { z } from 'zod';",
      "import { durationMs } from './duration';",
      "import type { UpdateDefinition } from '@temporalio/workflow';",
      "import type { CaseEvent } from '../db/queries/events';",
    ].join('\n');
    expect(await complaints('domain/sample.ts', source)).toEqual([]);
  });
});

describe('the rules cover the real code', () => {
  it.each(['workflows/index.ts', 'workflows/nested/sample.ts', 'domain/sample.ts'])('%s is checked, and not ignored', async (file) => {
    expect(await eslint.isPathIgnored(path.join(ROOT, file))).toBe(false);
    const config = (await eslint.calculateConfigForFile(path.join(ROOT, file))) as { rules: Record<string, unknown[]> };
    for (const rule of PURITY_RULES) expect(config.rules[rule]?.[0], rule).toBe(2);
  });

  it('leaves the rest of the project its imports', async () => {
    expect(await complaints('activities/sample.ts', "import fs from 'node:fs';\nimport { connect } from '../db/connect';")).toEqual([]);
  });
});
