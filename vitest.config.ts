// Vitest settings: tests live in test/ and mirror src/; two projects: `unit` (in-process, fast) and `e2e`
// (real txbot processes, sockets, browsers, crash and multi-process scenarios). `npm test` runs both,
// `npm run test:unit` only the first.
import { configDefaults, defineConfig } from 'vitest/config';

/** Test files that start real processes, servers or browsers. */
const E2E = [
  'test/**/*.e2e.test.ts',
  'test/cli/**/*.test.ts',
  'test/fuzz/processes.test.ts',
  'test/app/replay.test.ts',
  'test/data/inspect.test.ts',
  'test/integrations/cli.test.ts',
  'test/live/crash.test.ts',
  'test/monitor/cliAlertsDashboard.test.ts',
  'test/monitor/dashboard.test.ts',
  'test/optimize/bullmqWorkerProcess.test.ts',
  'test/state/crashDurability.test.ts',
  'test/state/shared/multiProcess.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/passFailReporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...E2E] } },
      { extends: true, test: { name: 'e2e', include: E2E } },
    ],
  },
});
