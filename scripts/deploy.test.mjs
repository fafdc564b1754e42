// The Docker image, without Docker (no engine runs in CI): the runtime directory the image is
// made of (scripts/runtime-layout.mjs), started with the Dockerfile's own ENV and CMD, answers
// discovery and its HEALTHCHECK, runs plain node (no TypeScript runner), seals its signing key
// at rest, and refuses a wrong PAIRGATE_KEY_ENCRYPTION_KEY with one clear line.
// `npm run test:deploy` after `npm run build` (.ci/run does both).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleRuntime } from './runtime-layout.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The runtime stage of the Dockerfile: its ENV pairs, CMD (exec form) and HEALTHCHECK command. */
function runtimeStage() {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const stage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const env = Object.fromEntries([...stage.matchAll(/^ENV (.+)$/gm)].flatMap((m) => [...m[1].matchAll(/(\w+)=(\S+)/g)].map(([, k, v]) => [k, v])));
  const cmd = JSON.parse(/^CMD (\[.+\])$/m.exec(stage)?.[1] ?? 'null');
  const healthcheck = /^HEALTHCHECK .*? CMD (.+)$/m.exec(stage)?.[1];
  return { env, cmd, healthcheck };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const stage = runtimeStage();
let app;
let dataDir;

/** Starts the image's CMD in the runtime directory with the image's ENV (plus what compose sets). */
function startImage(extraEnv) {
  const [command, ...args] = stage.cmd;
  const child = spawn(command === 'node' ? process.execPath : command, args, {
    cwd: app,
    // Nothing from this shell (no NODE_OPTIONS, no PATH to dev tools): only what the image sets.
    env: { ...stage.env, PAIRGATE_DATA_DIR: dataDir, HOST: '127.0.0.1', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', () => output.includes('portal ready on') && resolve());
    exited.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return { child, ready, exited, output: () => output };
}

async function stop(running) {
  if (running.child.exitCode === null) running.child.kill('SIGTERM');
  await running.exited;
}

beforeAll(() => {
  app = mkdtempSync(path.join(tmpdir(), 'pairgate-image-'));
  dataDir = mkdtempSync(path.join(tmpdir(), 'pairgate-image-data-'));
  rmSync(app, { recursive: true });
  assembleRuntime(app);
}, 300_000);

afterAll(() => {
  for (const dir of [app, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000); // a few hundred MB of node_modules

describe('the portal image, started as the Dockerfile starts it', () => {
  it('the Dockerfile runs compiled JavaScript with node, in production mode', () => {
    expect(stage.cmd).toEqual(['node', 'verify-portal/dist/server.js']);
    expect(stage.env.NODE_ENV).toBe('production');
    expect(readdirSync(path.join(app, 'node_modules'))).not.toContain('tsx');
    expect(readdirSync(path.join(app, 'node_modules'))).not.toContain('typescript');
    expect(readdirSync(path.join(app, 'verify-portal'))).not.toContain('src');
  });

  it('serves discovery and its health check, and keeps the signing key sealed at rest', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const running = startImage({ PORT: String(port), PAIRGATE_ISSUER: issuer, PAIRGATE_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') });
    try {
      await running.ready;
      const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
      expect(discovery).toMatchObject({ issuer, device_authorization_endpoint: `${issuer}/oauth/device/code` });
      const jwks = await (await fetch(discovery.jwks_uri)).json();
      expect(jwks.keys).toHaveLength(1);
      // A page from the Next.js build, rendered by the compiled server.
      const page = await fetch(`${issuer}/activate`, { redirect: 'manual' });
      expect(page.status).toBeLessThan(500);

      const healthcheck = spawnSync('/bin/sh', ['-c', stage.healthcheck.replace(/^node /, `"${process.execPath}" `)], { env: { PORT: String(port) } });
      expect(healthcheck.status).toBe(0);

      // The process serving is node running the compiled file, not a TypeScript runner.
      const cmdline = readFileSync(`/proc/${running.child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect(cmdline).toEqual([process.execPath, 'verify-portal/dist/server.js']);
      expect(running.output()).not.toContain('PAIRGATE_KEY_ENCRYPTION_KEY is not set');
    } finally {
      await stop(running);
    }
    // The database files as a thief would copy them: the sealed key, and no private JWK member.
    const files = readdirSync(dataDir).filter((name) => name.startsWith('pairgate.db'));
    const bytes = files.map((name) => readFileSync(path.join(dataDir, name)).toString('latin1')).join('');
    expect(bytes).toContain('aes256gcm.');
    expect(bytes).not.toContain('"d":"');
  }, 120_000);

  // The same data directory as the test before: its signing key is sealed under another key.
  it('a wrong PAIRGATE_KEY_ENCRYPTION_KEY stops it at start with one clear line, no stack trace', async () => {
    const port = await freePort();
    const running = startImage({ PORT: String(port), PAIRGATE_ISSUER: `http://127.0.0.1:${port}`, PAIRGATE_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') });
    running.ready.catch(() => undefined);
    // 2: a configuration error, reported as its message alone.
    expect(await running.exited).toBe(2);
    expect(running.output()).toMatch(/Signing key \S+ is encrypted with key encryption key \S+, but neither PAIRGATE_KEY_ENCRYPTION_KEY nor any key in PAIRGATE_KEY_ENCRYPTION_KEYS_OLD is that key\./);
    expect(running.output()).not.toContain('"stack"');
    expect(running.output()).not.toMatch(/(^|\\n)\s+at /m);
  }, 120_000);
});
