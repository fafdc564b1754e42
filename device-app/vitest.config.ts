import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Browser suites start real server processes and Chromium on 2 shared cores.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
