import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests run @pairgate/shared from its TypeScript source (its "@pairgate/source" export), never a stale dist/.
  ssr: { resolve: { conditions: ['@pairgate/source', 'module', 'node', 'development|production'] } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Browser suites start real server processes and Chromium on 2 shared cores.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
