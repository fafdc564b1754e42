#!/usr/bin/env node
// `npm start`: the portal and the kiosk together, for trying Pairgate on one machine.
//  1. builds both apps through turbo (cached when nothing changed);
//  2. starts the portal and waits for its "portal ready on <issuer>" line. Without
//     PAIRGATE_ISSUER the issuer is this machine's LAN address (see lan-issuer.mjs), so the QR
//     code opens on a phone on the same network. The portal seeds the demo data into an empty
//     database and logs warnings only, unless PAIRGATE_SEED_DEMO / LOG_LEVEL say otherwise
//     (start-portal-env.mjs);
//  3. starts the kiosk pointed at that issuer: Electron where it can run, else the kiosk web host
//     (it prints the URL to open).
// Ctrl-C (or SIGTERM) stops both; if either exits, the other is stopped too.
// Arguments after `npm start --` go to the kiosk, e.g. `npm start -- --device-name "Hall TV"`.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startIssuer } from './lan-issuer.mjs';
import { startPortalEnv } from './start-portal-env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1' };

const build = spawnSync(
  path.join(root, 'node_modules', '.bin', 'turbo'),
  ['run', 'build', '--filter=@pairgate/verify-portal', '--filter=@pairgate/device-app', '--output-logs=errors-only'],
  { cwd: root, stdio: 'inherit', env },
);
if (build.status !== 0) process.exit(build.status ?? 1);

/** Each child leads its own process group, so stopping it stops npm, tsx and node under it. */
const children = new Set();
function start(args, options) {
  const child = spawn(npm, args, { cwd: root, env: options.env ?? env, stdio: options.stdio, detached: process.platform !== 'win32' });
  children.add(child);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`[pairgate] ${options.name} stopped (${signal ?? `code ${code}`}); stopping the rest.`);
      stopAll(code ?? 1);
    }
  });
  return child;
}

let stopping = false;
function stopAll(code) {
  stopping = true;
  for (const child of children) {
    try {
      if (process.platform === 'win32') child.kill('SIGTERM');
      else process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const exit = () => process.exit(code);
  if (children.size === 0) exit();
  const timer = setTimeout(exit, 5_000);
  timer.unref();
  for (const child of children) child.once('exit', () => children.size === 0 && exit());
}
process.once('SIGINT', () => stopAll(0));
process.once('SIGTERM', () => stopAll(0));

const { issuer, phoneUrl, listensOnLan } = startIssuer(process.env, os.networkInterfaces());
const portal = start(['run', 'start', '--silent', '-w', '@pairgate/verify-portal'], {
  name: 'the portal',
  stdio: ['ignore', 'pipe', 'inherit'],
  env: startPortalEnv(env, issuer),
});
let kioskStarted = false;
readline.createInterface({ input: portal.stdout }).on('line', (line) => {
  console.log(line);
  const ready = /portal ready on (\S+)/.exec(line);
  if (!ready || kioskStarted) return;
  kioskStarted = true;
  if (phoneUrl) console.log(`[pairgate] phones on your network can open ${phoneUrl}`);
  if (listensOnLan) {
    console.log('[pairgate] this demo is reachable from your network, and its password is public. To keep it on this machine only:');
    console.log('[pairgate]   PAIRGATE_ISSUER=http://localhost:3000 HOST=127.0.0.1 npm start');
  }
  // The kiosk finds everything else by discovery from the issuer the portal announced.
  start(['run', 'start', '--silent', '-w', '@pairgate/device-app', '--', ...process.argv.slice(2)], {
    name: 'the kiosk',
    stdio: 'inherit',
    env: { ...env, PAIRGATE_ISSUER: ready[1] },
  });
});
