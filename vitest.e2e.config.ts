import { defineConfig } from 'vitest/config';

// End-to-end: Azurite, the bot as its own process and the Agents Playground, driven in headless chromium.
// One file at a time: each starts its own processes and a browser, and CI has two cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    setupFiles: ['test/helpers/no-network.ts', 'test/helpers/has-assertions.ts'],
    testTimeout: 10 * 60_000,
    hookTimeout: 2 * 60_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
