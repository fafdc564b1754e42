import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // The files share their worker processes: a process per file imported and transformed the
    // same modules again for each (15 → 4 CPU-s for the whole suite). No file here replaces a
    // module with vi.mock, which would need a process of its own (see verify-portal's
    // test/support/vitest-projects.ts); timers and globals are restored by the files that fake them.
    isolate: false,
  },
});
