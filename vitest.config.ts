import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{bridge-server,emulators,elements}/src/**/*.test.ts', '{bridge-server,emulators}/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each test file creates its own databases and queues; files run in parallel workers.
    pool: 'forks',
  },
});
