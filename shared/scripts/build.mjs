#!/usr/bin/env node
// Builds @pairgate/shared into dist/: one ES module (esbuild; jose stays a dependency) and the
// type declarations (tsc). Other packages' tests and type checks read src/ through the
// "@pairgate/source" export condition instead, so they never see a stale dist/.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
rmSync(path.join(packageDir, 'dist'), { recursive: true, force: true });

await esbuild.build({
  absWorkingDir: packageDir,
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  format: 'esm',
  // Isomorphic: Node, Electron, browsers and TV web runtimes all load it.
  platform: 'neutral',
  target: 'es2022',
  external: ['jose'],
  logLevel: 'warning',
});

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const types = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageDir, stdio: 'inherit' });
process.exit(types.status ?? 1);
