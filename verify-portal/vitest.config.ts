import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // End-to-end suites start real server processes; give them room on 2 shared cores.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
