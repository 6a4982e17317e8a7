import { defineConfig } from 'vitest/config';

// One Temporal dev server and one PostgreSQL are started for the whole run (test/global-setup.ts);
// each test file uses its own task queue, ids and database schema so files can run side by side.
export default defineConfig({
  test: {
    pool: 'forks', // Temporal's native bridge is not safe under worker threads.
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', '.data/**', '.tools/**', 'forge-app/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    env: { TZ: 'UTC' },
    reporters: ['default'],
  },
});
