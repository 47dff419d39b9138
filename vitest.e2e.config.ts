import { defineConfig } from 'vitest/config';

/**
 * The browser tests: the built renderer (npm run build:renderer) in Debian's Chromium, its
 * `window.ferry` bridged to the real engine's IPC handlers. One file at a time: each drives a browser.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/helpers/secret-service.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
