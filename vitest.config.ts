import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// CLI runs made by the tests (in process and in child processes) are recorded in a store of their own, never in the
// user's var/basis.sqlite; test/support/globalStore.ts removes it when the run ends.
const testStore = path.join(tmpdir(), `basis-vitest-${process.pid}.sqlite`);
process.env['BASIS_STORE'] = testStore;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/support/globalStore.ts'],
    env: { BASIS_STORE: testStore },
  },
});
