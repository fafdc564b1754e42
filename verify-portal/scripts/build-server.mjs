#!/usr/bin/env node
// Compiles the portal's Node entry points to plain JavaScript, so production runs `node` and
// needs no TypeScript runner:
//   dist/server.js  the custom server (`npm run portal`, the Docker image's CMD)
//   dist/admin.js   the admin command (`npm run admin`)
// Our own code is bundled; every package stays external and is loaded from node_modules at run
// time: native and heavy ones (better-sqlite3, pg, next, react, ws) must be, and
// @pairgate/shared is loaded from its built dist/ like any other dependency.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { serverBuildOptions } from './server-build.mjs';

const portalDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distDir = path.join(portalDir, 'dist');

const started = performance.now();
await rm(distDir, { recursive: true, force: true });
const built = await esbuild
  .build(serverBuildOptions({ absWorkingDir: portalDir, entryPoints: { server: 'server.ts', admin: 'src/admin/cli.ts' }, outdir: distDir }))
  .catch(() => undefined); // esbuild has already printed what went wrong
if (!built) process.exit(1);
console.log(`[pairgate] portal server built in ${Math.round(performance.now() - started)} ms → dist/server.js, dist/admin.js`);
