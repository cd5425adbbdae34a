import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/faults/**'], // its own run: npm run test:faults (vitest.faults.config.mts)
    pool: 'forks',
    // One Temporal dev server per run; each integration file has its own database, SMTP server and task queue.
    globalSetup: ['test/globalSetup.ts'],
    // Not development: the suite runs with a real secret, as production does (config.ts refuses to start without one).
    env: { JWT_SECRET: 'test-only-jwt-secret-not-for-production-0123456789' },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
