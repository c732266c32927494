import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test-only adapter kinds get their options compiled; shipped code finds every kind precompiled.
    setupFiles: ['test/support/setup-options-compiler.ts'],
  },
});
