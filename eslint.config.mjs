// ESLint (flat config): typescript-eslint's type-checked recommended rules over all TypeScript, and the import
// boundaries that keep workflow code replayable and domain code pure. Formatting is Prettier's (eslint-config-prettier
// turns off the rules that would fight it).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const escape = (text) => text.replace(/[/.]/g, '\\$&');

/** Any bare specifier (a package or a Node built-in, with or without `node:`) except `allowed`; relative paths are checked apart. */
const packagesExcept = (allowed) => `^(?![./])(?!(?:${allowed.map(escape).join('|')})$)`;

/** Top-level folders whose code touches the outside world. */
const IMPURE_DIRS = ['db', 'activities', 'api', 'platform', 'scripts'];

/**
 * Workflow code runs in Temporal's deterministic sandbox and is replayed from history; domain code holds the pure
 * rules both sides share. Either may import values only from the packages listed and from pure project code; from
 * the impure folders (and from `typeOnly` packages) only types, through `import type`, which leaves no import in the
 * bundle (`import { type X }` is refused by no-import-type-side-effects). The package list is closed, so a new
 * package has to be allowed here on purpose. Dynamic import() and require() would get round the rule, so they are
 * refused as well.
 */
const sandboxImports = ({ packages, typeOnly = [], why }) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      patterns: [
        { regex: packagesExcept([...packages, ...typeOnly]), message: `${why} Packages allowed: ${packages.join(', ')}.` },
        ...(typeOnly.length ? [{ regex: `^(?:${typeOnly.map(escape).join('|')})$`, allowTypeImports: true, message: `${why} Only types from here.` }] : []),
        {
          regex: `^\\.\\./(?:${IMPURE_DIRS.join('|')})(?:/|$)`,
          allowTypeImports: true,
          message: `${why} Only \`import type\` may reach into ${IMPURE_DIRS.join('/, ')}/.`,
        },
        { regex: '^\\.\\./\\.\\.(?:/|$)', message: 'Resolves outside the project.' },
      ],
    },
  ],
  '@typescript-eslint/no-import-type-side-effects': 'error',
  'no-restricted-syntax': [
    'error',
    { selector: 'ImportExpression', message: `${why} No dynamic import().` },
    { selector: "CallExpression[callee.name='require']", message: `${why} No require().` },
  ],
});

export default defineConfig(
  globalIgnores(['node_modules/', 'dist/', '.data/', '.tools/', 'console/dist/', 'test/fixtures/', 'test/browser/screenshots/', 'bench/results/']),
  {
    files: ['**/*.{ts,mts,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // Each file is checked against its nearest tsconfig.json: the root one, or console/tsconfig.json (DOM types) for console/src.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Off, because they fight the existing style without finding bugs:
      // - the compiler's noUnusedLocals/noUnusedParameters already report unused names;
      '@typescript-eslint/no-unused-vars': 'off',
      // - an async function without await is how a handler satisfies a Promise-returning signature;
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: sandboxImports({
      packages: ['@temporalio/workflow', '@temporalio/common', 'zod'],
      why: 'Workflow code is replayed in the deterministic sandbox: I/O comes in as an activity.',
    }),
  },
  {
    files: ['domain/**/*.ts'],
    rules: sandboxImports({
      packages: ['zod'],
      typeOnly: ['@temporalio/workflow', '@temporalio/common'],
      why: 'Domain code is pure: no I/O, no Temporal, no Node modules.',
    }),
  },
  {
    // Rows from knex (db/, scripts/), Koa's ctx.state, params and stored answers (api/, typed `any` by @types/koa; every
    // body and query is parsed by zod before use), JSON from the API (console/) and from responses, histories and mails
    // (test/, bench/) come in as `any` and are read field by field; typing each read would be a mass edit that finds no bugs.
    files: ['db/**/*.ts', 'api/**/*.ts', 'scripts/**/*.ts', 'console/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // knex's query builders are thenables, so every `where((w) => w.where(…))` callback "returns a promise" where
    // void is expected; the console's async event handlers show their own errors, and the DOM ignores what they return.
    files: ['db/**/*.ts', 'scripts/**/*.ts', 'console/**/*.ts'],
    rules: { '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }] },
  },
  {
    // The tools' own configuration files: plain modules, outside the tsconfigs.
    files: ['*.mjs', '*.mts'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);
