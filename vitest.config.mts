import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/faults/**'], // its own run: npm run test:faults (vitest.faults.config.mts)
    pool: 'forks',
    // One Temporal dev server per run; each integration file has its own database, SMTP server and task queue.
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
