import { defineConfig } from 'vitest/config';

/** The conformance suite: every sample in ../shared/fixtures, whatever its licence. Run by .ci/run. */
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
