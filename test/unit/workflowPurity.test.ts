import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Workflow code runs in Temporal's deterministic sandbox and is replayed from history, so it (and
 * the domain code it uses) may import only the workflow SDK, zod and other pure project code.
 * Anything that touches the network, the database, the clock or the file system must come in as
 * an activity. This test is that lint rule.
 */

const ROOT = path.resolve(__dirname, '../..');
const SCANNED_DIRS = ['workflows', 'domain'];
const ALLOWED_PACKAGES = new Set(['@temporalio/workflow', '@temporalio/common', 'zod']);
/** Top-level folders whose code is impure; only `import type` may reach into them. */
const IMPURE_DIRS = new Set(['activities', 'api', 'db', 'scripts']);

interface ImportRef {
  specifier: string;
  typeOnly: boolean;
  statement: string;
}

/** Drops comments so an import quoted in a doc comment is not mistaken for a real one. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Every module a source file pulls in: static imports and re-exports (also spread over lines), side-effect imports, import() and require(). */
function findImports(source: string): ImportRef[] {
  const code = stripComments(source);
  const refs: ImportRef[] = [];
  // import x from 'm'; import * as x from 'm'; import { a,\n b } from 'm'; import type { T } from 'm';
  // export { a } from 'm'; export * from 'm'; export type { T } from 'm'
  // The clause between the keyword and `from` may hold only names, `*`, `as`, braces, commas and whitespace
  // (one character class, so the match cannot run across other statements nor backtrack exponentially).
  const fromClause = /\b(import|export)\s+(type\s+)?([\w$*\s,{}]*?)\bfrom\s*(['"])([^'"\n]+)\4/g;
  for (const m of code.matchAll(fromClause)) {
    refs.push({ specifier: m[5], typeOnly: Boolean(m[2]), statement: m[0].replace(/\s+/g, ' ') });
  }
  // import 'm';
  for (const m of code.matchAll(/\bimport\s*(['"])([^'"\n]+)\1/g)) {
    refs.push({ specifier: m[2], typeOnly: false, statement: m[0] });
  }
  // import('m'), require('m')
  for (const m of code.matchAll(/\b(?:import|require)\s*\(\s*(['"`])([^'"`\n]+)\1\s*\)/g)) {
    refs.push({ specifier: m[2], typeOnly: false, statement: m[0] });
  }
  return refs;
}

/** Why an import is not allowed in `file` (a path relative to the repository root), or null. */
function importViolation(file: string, ref: ImportRef): string | null {
  const { specifier, typeOnly } = ref;
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), specifier));
    const top = target.split(path.sep)[0];
    if (top === '..' || path.isAbsolute(target)) return `${file}: '${specifier}' resolves outside the project`;
    if (IMPURE_DIRS.has(top) && !typeOnly) {
      return `${file}: '${specifier}' reaches into ${top}/ with a value import (only \`import type\` may)`;
    }
    return null;
  }
  if (ALLOWED_PACKAGES.has(specifier)) return null;
  return `${file}: imports '${specifier}' (only ${[...ALLOWED_PACKAGES].join(', ')} and relative paths are allowed)`;
}

function scan(file: string, source: string): string[] {
  return findImports(source)
    .map((ref) => importViolation(file, ref))
    .filter((v): v is string => v !== null);
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(rel);
    return entry.isFile() && entry.name.endsWith('.ts') ? [rel] : [];
  });
}

describe('the import scanner (self-check)', () => {
  it('flags a Node built-in with the node: prefix', () => {
    expect(scan('workflows/sample.ts', "import fs from 'node:fs';")).toEqual([
      expect.stringMatching(/workflows\/sample\.ts: imports 'node:fs'/),
    ]);
  });

  it('flags a value import from db/', () => {
    expect(scan('workflows/sample.ts', "import { x } from '../db/connect';")).toEqual([
      expect.stringMatching(/workflows\/sample\.ts: '\.\.\/db\/connect' reaches into db\//),
    ]);
  });

  it('flags built-ins without the prefix, other packages, require, import() and side-effect imports', () => {
    const source = [
      "import * as crypto from 'crypto';",
      "import { ulid } from 'ulid';",
      "const os = require('os');",
      "const m = await import('node:path');",
      "import 'reflect-metadata';",
      "export { knex } from 'knex';",
    ].join('\n');
    const found = scan('domain/sample.ts', source);
    expect(found).toHaveLength(6);
    for (const name of ['crypto', 'ulid', 'os', 'node:path', 'reflect-metadata', 'knex']) {
      expect(found.some((v) => v.includes(`'${name}'`))).toBe(true);
    }
  });

  it('reads imports spread over several lines', () => {
    const source = "import {\n  readFileSync,\n  writeFileSync,\n} from 'fs';\nimport type {\n  Activities,\n} from '../activities';\n";
    expect(findImports(source)).toEqual([
      expect.objectContaining({ specifier: 'fs', typeOnly: false }),
      expect.objectContaining({ specifier: '../activities', typeOnly: true }),
    ]);
    expect(scan('workflows/sample.ts', source)).toEqual([expect.stringContaining("'fs'")]);
  });

  it('flags a value import into activities/, api/ and scripts/, and a path leaving the project', () => {
    expect(scan('workflows/sample.ts', "import { sendMail } from '../activities/mailer';")).toHaveLength(1);
    expect(scan('domain/sample.ts', "import { app } from '../api/app';")).toHaveLength(1);
    expect(scan('domain/sample.ts', "import { build } from '../scripts/build-workflow-bundle';")).toHaveLength(1);
    expect(scan('domain/sample.ts', "import { x } from '../../elsewhere';")).toHaveLength(1);
  });

  it('treats inline `type` specifiers as a value import (the module is still loaded)', () => {
    expect(scan('workflows/sample.ts', "import { type Knex } from '../db/connect';")).toHaveLength(1);
  });

  it('allows the workflow SDK, zod, pure relative code and type-only imports of anything relative', () => {
    const source = [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import type { UpdateDefinition } from '@temporalio/common';",
      "import { z } from 'zod';",
      "import { durationMs } from '../domain/duration';",
      "import { CaseType } from './searchAttributes';",
      "import type { Activities } from '../activities';",
      "import type { Knex } from '../db/connect';",
      '/* import fs from "node:fs"; */',
      "// import { db } from '../db/connect';",
    ].join('\n');
    expect(scan('workflows/sample.ts', source)).toEqual([]);
  });
});

describe('workflow and domain code is deterministic-sandbox safe', () => {
  const files = SCANNED_DIRS.flatMap(tsFiles);

  it('finds the code it is meant to check', () => {
    expect(files).toContain(path.join('workflows', 'stationApproval.ts'));
    expect(files).toContain(path.join('domain', 'stationApproval.ts'));
    expect(findImports(fs.readFileSync(path.join(ROOT, 'workflows', 'stationApproval.ts'), 'utf8')).length).toBeGreaterThan(0);
  });

  it('imports only @temporalio/workflow, @temporalio/common, zod or pure relative code', () => {
    const violations = files.flatMap((file) => scan(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
    expect(violations).toEqual([]);
  });
});
