import { defineConfig } from 'vitest/config';

// Micro-benchmarks (`vitest bench`): CPU cost of single functions, no Temporal server or database needed.
export default defineConfig({
  test: {
    include: [],
    benchmark: { include: ['bench/**/*.bench.ts'] },
    pool: 'forks',
    env: { TZ: 'UTC' },
  },
});
