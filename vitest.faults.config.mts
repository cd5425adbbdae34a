import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    pool: 'forks',
    // The suite brings up its own MariaDB, Temporal dev server, SMTP server and worker, and breaks them one
    // at a time: one file, nothing in parallel, and minutes per step rather than seconds.
    fileParallelism: false,
    // Each fault builds on the cases the steps before it left: after one failure the rest only repeat it.
    bail: 1,
    env: { JWT_SECRET: 'test-only-jwt-secret-not-for-production-0123456789' },
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
