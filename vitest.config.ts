import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-seed.ts'],
    setupFiles: ['test/helpers/seed.ts'],
    testTimeout: 60_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
