import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests run @pairgate/shared from its TypeScript source (its "@pairgate/source" export), never a stale dist/.
  ssr: { resolve: { conditions: ['@pairgate/source', 'module', 'node', 'development|production'] } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // End-to-end suites start real server processes; give them room on 2 shared cores.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
