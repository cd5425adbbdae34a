import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // `*.engine.ts`, not `*.test.ts`: these kill the production engine's services, which only `npm run test:engine`
    // (scripts/test-engine.sh) starts, so `npm test` must not pick them up.
    include: ['test/engine/**/*.engine.ts'],
    pool: 'forks',
    // The engine is TEMPORAL_ADDRESS's (globalSetup then only makes sure MariaDB is up).
    globalSetup: ['test/globalSetup.ts'],
    fileParallelism: false,
    env: { JWT_SECRET: 'test-only-jwt-secret-not-for-production-0123456789' },
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
