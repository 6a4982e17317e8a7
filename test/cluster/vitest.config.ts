import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: the fault tests on the production topology (test/cluster/*.cluster.ts). Kept out of
// `npm test` (whose files are *.test.ts): they need the full Temporal server binary, whose first build from the
// Go module proxy takes longer than a CI run should spend, and they start a whole cluster of their own.
export default defineConfig({
  test: {
    pool: 'forks', // Temporal's native bridge is not safe under worker threads.
    include: ['test/cluster/**/*.cluster.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000,
    env: { TZ: 'UTC' },
    reporters: ['default'],
  },
});
