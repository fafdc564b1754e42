/**
 * `npm start -w @pairgate/device-app`: the kiosk. Tries Electron first; where its binary cannot
 * run (not downloaded — Electron fetches it on first launch — or no display), says so in one line
 * and serves the web host instead, at a URL printed on the console. `--web` skips Electron.
 * Never triggers Electron's download itself (requiring the `electron` package would).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, clientConfigOf, loadConfig, type AppConfig } from './config';
import { NotBuiltError, startWebServer } from './web-server';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** How long Electron must stay up to count as launched (a missing library fails at once). */
const LAUNCH_GRACE_MS = 3_000;

/** The Electron binary, if it is installed; otherwise why not. */
export function findElectron(): { binary: string } | { reason: string } {
  let packageDir: string;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { reason: 'its binary has not been downloaded, and the download host cannot be reached from here' };
  const binary = path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { reason: `its binary is missing (${binary})` };
  return { binary };
}

/** Resolves true once Electron has stayed up for a moment; false (with a reason) if it could not. */
function launchElectron(binary: string, args: readonly string[]): Promise<{ ok: true } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const child = spawn(binary, [path.join(appDir, 'dist', 'electron', 'main.cjs'), ...args], { stdio: 'inherit' });
    const timer = setTimeout(() => {
      resolve({ ok: true });
      child.once('exit', (code) => process.exit(code ?? 0));
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => child.kill(signal));
    }, LAUNCH_GRACE_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: error.message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `it exited at once (${signal ?? `code ${code}`})` });
    });
  });
}

async function ensureBuilt(): Promise<void> {
  if (existsSync(path.join(appDir, 'dist', 'renderer', 'app.js')) && existsSync(path.join(appDir, 'dist', 'electron', 'main.cjs'))) return;
  const { build } = await import('../scripts/build');
  await build({ quiet: true });
}

async function serveWeb(config: AppConfig): Promise<void> {
  if (config.mode === 'desktop') {
    // A web page cannot listen for the browser's redirect (RFC 8252 §7.3 needs a loopback port).
    throw new ConfigError('desktop mode needs Electron, which cannot run here; to sign in from a terminal, use `pairgate login`.');
  }
  const server = await startWebServer({ config: clientConfigOf(config), port: config.webPort, host: config.webHost });
  console.log(`[pairgate] kiosk web host on ${server.url} (issuer ${config.issuer}) — open it in a browser, e.g. chromium --kiosk ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const webOnly = argv.includes('--web');
  const args = argv.filter((arg) => arg !== '--web');
  const config = loadConfig({ argv: args, env: process.env });
  await ensureBuilt();
  if (!webOnly) {
    const electron = findElectron();
    const launched = 'binary' in electron ? await launchElectron(electron.binary, args) : { ok: false as const, reason: electron.reason };
    if (launched.ok) return;
    console.log(`[pairgate] Electron cannot run here (${launched.reason}); serving the kiosk as a web page instead.`);
  }
  await serveWeb(config);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof NotBuiltError) console.error(`[pairgate] ${error.message}`);
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`[pairgate] the kiosk web host's port is in use: set PAIRGATE_WEB_PORT or --web-port (0 picks a free one).`);
  } else console.error(`[pairgate] could not start the kiosk: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
