import { configDefaults, defineConfig } from 'vitest/config';

// Every test file of the workspaces. A file named `*.unit.test.ts` is a unit test: it needs nothing
// outside its own process (no PostgreSQL, Redis, emulator, child process, socket or real DNS) and
// runs in the `unit` project; every other `*.test.ts` runs in the `e2e` project.
const include = ['{bridge-server,emulators,elements}/{src,test}/**/*.test.ts', 'embed-demo/**/*.test.ts'];
const unitInclude = include.map((pattern) => pattern.replace(/\.test\.ts$/, '.unit.test.ts'));

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each test file creates its own databases and queues; files run in parallel workers.
    pool: 'forks',
    projects: [
      {
        extends: true,
        // Runs first (lower group), so `npm test` reports a broken pure function before the slow suite starts.
        test: { name: 'unit', include: unitInclude, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include,
          exclude: [...configDefaults.exclude, '**/*.unit.test.ts', '**/*.browser.test.ts'],
          sequence: { groupOrder: 1 },
          // The tests that spawn `dockhand` or `dockhand-demo` run the compiled JavaScript, as users do.
          globalSetup: ['bridge-server/test/support/compiled-build.ts'],
        },
      },
    ],
  },
});
