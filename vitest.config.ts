import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
    env: {
      // A hub a test's session starts outlives that test's nats-server by this long, not a minute:
      // test servers come and go on random ports, and a lingering hub could find a later test's.
      WARP_HUB_ORPHAN_MS: '3000',
    },
  },
});
