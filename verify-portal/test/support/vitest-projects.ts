import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProjectInlineConfiguration } from 'vitest/config';

/**
 * A package's tests as two vitest projects. `unit`: the unit tests under `unitDir` share their
 * worker processes (`isolate: false`) — a process per file imported and transformed the same
 * modules again for every file, most of what a small unit file costs (verify-portal's src tests:
 * 63 → 21 CPU-s on the 2-core machine). `isolated`: a process per file for the end-to-end suites
 * (`isolatedIncludes`) and for every unit file that replaces a module with `vi.mock`/`vi.doMock`,
 * which only takes effect in a module registry of the file's own.
 */
export function unitAndIsolatedProjects(packageDir: string, unitDir: string, isolatedIncludes: string[]): TestProjectInlineConfiguration[] {
  const unitFiles = readdirSync(path.join(packageDir, unitDir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => path.posix.join(unitDir, file.split(path.sep).join('/')));
  const mocking = unitFiles.filter((file) => /\bvi\.(mock|doMock)\(/.test(readFileSync(path.join(packageDir, file), 'utf8')));
  return [
    { extends: true, test: { name: 'unit', include: [`${unitDir}/**/*.test.ts`], exclude: mocking, isolate: false } },
    { extends: true, test: { name: 'isolated', include: [...mocking, ...isolatedIncludes] } },
  ];
}
