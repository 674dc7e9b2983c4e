import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    pool: 'forks',
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
    // A timeout only catches a hang: CLI tests start child processes, which take many
    // seconds each when the machine is busy.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
