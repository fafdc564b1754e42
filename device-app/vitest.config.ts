import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { unitAndIsolatedProjects } from '../verify-portal/test/support/vitest-projects';

export default defineConfig({
  // Tests run @pairgate/shared from its TypeScript source (its "@pairgate/source" export), never a stale dist/.
  ssr: { resolve: { conditions: ['@pairgate/source', 'module', 'node', 'development|production'] } },
  test: {
    environment: 'node',
    projects: unitAndIsolatedProjects(path.dirname(fileURLToPath(import.meta.url)), 'src', ['test/**/*.test.ts']),
    // Browser suites start real server processes and Chromium on 2 shared cores.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two files at a time, whatever the core count (vitest's default is cores − 1: one here). The
    // end-to-end files mostly wait — on a portal process, Chromium, a poll — so a second file
    // fills that time; measured on 2 cores under `npm test`: see the commit that set this.
    maxWorkers: 2,
  },
});
