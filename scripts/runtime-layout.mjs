#!/usr/bin/env node
// The portal as it ships: `node scripts/runtime-layout.mjs <dir>` (after `npm run build`) puts in
// <dir> only what production needs — the compiled server (verify-portal/dist), the Next.js
// output (.next without its build cache), @pairgate/shared's dist, and production dependencies
// (no tsx, no TypeScript, no dev tools). The Dockerfile's runtime stage is exactly this
// directory, and scripts/deploy.test.mjs starts it the way the image does.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What the runtime needs from the built tree, relative to the repository root. */
const SHIPPED = [
  'package.json',
  'package-lock.json',
  'LICENSE',
  'shared/package.json',
  'shared/dist',
  'verify-portal/package.json',
  // Next.js reads its configuration at start-up, also in production.
  'verify-portal/next.config.ts',
  'verify-portal/dist',
  'verify-portal/.next',
  // The lockfile names every workspace; npm wants each one's package.json.
  'device-app/package.json',
];

const BUILT = ['shared/dist/index.js', 'verify-portal/dist/server.js', 'verify-portal/.next/BUILD_ID'];

/** better-sqlite3's compiled addon: installed without scripts, it is taken from the build. */
const SQLITE_ADDON = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';

export function assembleRuntime(target) {
  const missing = BUILT.filter((file) => !existsSync(path.join(root, file)));
  if (missing.length > 0) throw new Error(`Build first (npm run build): missing ${missing.join(', ')}`);
  mkdirSync(target, { recursive: true });
  if (readdirSync(target).length > 0) throw new Error(`${target} is not empty`);
  for (const item of SHIPPED) {
    // .next/cache is the build's own cache (hundreds of MB at times), never read at run time.
    cpSync(path.join(root, item), path.join(target, item), { recursive: true, filter: (source) => !source.includes(`${path.sep}.next${path.sep}cache`) });
  }
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--workspace=@pairgate/verify-portal', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: target,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cpSync(path.join(root, SQLITE_ADDON), path.join(target, SQLITE_ADDON));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node scripts/runtime-layout.mjs <empty directory>');
    process.exit(2);
  }
  try {
    assembleRuntime(path.resolve(target));
    console.log(`[pairgate] runtime layout in ${target}: node verify-portal/dist/server.js`);
  } catch (err) {
    console.error(`[pairgate] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
