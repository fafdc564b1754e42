/**
 * The servers the benchmarks start, compiled the way production compiles the portal
 * (scripts/build-server.mjs: esbuild, ESM, node20, packages external, module URLs kept) into
 * bench/dist/: the portal (bench/portal-server.ts, i.e. server.ts with the bench-only settings)
 * and the oidc-provider baseline. Run as plain `node`, like `npm run portal`: under tsx every
 * function would also pay for esbuild's keep-names wrapper, which production does not.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { keepModuleUrls } from '../scripts/keep-module-urls.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(benchDir, 'dist');

export interface BenchBuild {
  portalServer: string;
  baselineServer: string;
}

let built: Promise<BenchBuild> | undefined;

/** Compiles both servers once per process (a fraction of a second). */
export function buildServers(): Promise<BenchBuild> {
  built ??= esbuild
    .build({
      absWorkingDir: path.dirname(benchDir),
      entryPoints: { 'portal-server': path.join(benchDir, 'portal-server.ts'), 'baseline-server': path.join(benchDir, 'baseline-server.ts') },
      outdir: outDir,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      jsx: 'automatic',
      plugins: [keepModuleUrls(outDir)],
      logLevel: 'warning',
    })
    .then(
      () => ({ portalServer: path.join(outDir, 'portal-server.js'), baselineServer: path.join(outDir, 'baseline-server.js') }),
      (err: unknown) => {
        throw new Error(`could not compile the servers: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  return built;
}
