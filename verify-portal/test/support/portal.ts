import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const portalDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** What `npm run portal` and the Docker image run: the compiled server, with the built pages. */
const compiledServer = path.join(portalDir, 'dist', 'server.js');
const builtPages = path.join(portalDir, '.next', 'BUILD_ID');
/** What `npm run admin` runs (README "Admin"). */
const compiledAdmin = path.join(portalDir, 'dist', 'admin.js');

/**
 * The end-to-end suites test what ships, so they need the build (`npm test` builds first: turbo's
 * `test` task depends on `build`). A targeted run after a source change needs `npm run build`
 * again, or it tests the previous build.
 */
export function assertPortalBuilt(): void {
  const missing = [compiledServer, builtPages].filter((file) => !existsSync(file)).map((file) => path.relative(portalDir, file));
  if (missing.length > 0) {
    throw new Error(`The end-to-end tests run the built portal, and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing: run \`npm run build\` first (from the repository root; \`npm test\` does it for you).`);
  }
}

export interface RunningPortal {
  issuer: string;
  port: number;
  /** The environment the portal runs with, so a test can open the same store. */
  env: { DATABASE_URL?: string; PAIRGATE_DATA_DIR: string };
  /** Everything the process printed, for asserting that no secret was logged. */
  output(): string;
  /** The server process, e.g. to send it SIGTERM. */
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts the compiled portal (`node dist/server.js`, as `npm run portal` does) as its own process
 * on a free port — real HTTP, the production path — with a fresh SQLite directory, or a fresh
 * database on the given PostgreSQL server.
 */
export async function startPortal(
  options: {
    /** A PostgreSQL server: the portal gets a fresh database of its own on it. */
    postgresUrl?: string;
    /** An existing PostgreSQL database to share with another portal (several instances). */
    databaseUrl?: string;
    /** Extra environment, e.g. `{ PAIRGATE_TRUST_PROXY: 'true' }`. */
    env?: Record<string, string>;
    /** Seed the demo user and clients into the empty database (`PAIRGATE_SEED_DEMO`); default true. */
    seedDemo?: boolean;
    /** A fixed port, e.g. to start the same server again after stopping it; default a free one. */
    port?: number;
    /** Where free ports come from (a test of the retry below gives a taken one first); default `freePort`. */
    freePort?: () => Promise<number>;
    /** An SQLite directory the caller owns (kept on stop, so a restart finds the same keys and codes); default a fresh one, removed on stop. */
    dataDir?: string;
  } = {},
): Promise<RunningPortal> {
  assertPortalBuilt();
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'pairgate-e2e-'));
  const env: RunningPortal['env'] = { PAIRGATE_DATA_DIR: dataDir };
  let dropDatabase: (() => Promise<void>) | undefined;
  if (options.postgresUrl) {
    const { url, drop } = await createDatabase(options.postgresUrl);
    env.DATABASE_URL = url;
    dropDatabase = drop;
  } else if (options.databaseUrl) {
    env.DATABASE_URL = options.databaseUrl;
  }
  const launch = async (port: number) => {
    const issuer = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [compiledServer], {
      cwd: portalDir,
      env: {
        ...process.env,
        PAIRGATE_SEED_DEMO: String(options.seedDemo ?? true),
        ...options.env,
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        PAIRGATE_ISSUER: issuer,
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitForReady(child, () => output);
    return { issuer, port, child, output: () => output };
  };
  let started: Awaited<ReturnType<typeof launch>> | undefined;
  for (let attempt = 1; !started; attempt++) {
    try {
      started = await launch(options.port ?? (await (options.freePort ?? freePort)()));
    } catch (error) {
      // freePort's port is free when asked, but the portal binds it a moment later: meanwhile
      // any outgoing connection on the machine (browsers, database clients, other suites) may
      // take it as its local port. Another free port then, unless the caller chose this one.
      if (options.port || attempt === 3 || !String(error).includes('EADDRINUSE')) {
        // A portal that never started leaves nothing behind either (the tests of a failed start).
        if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
        await dropDatabase?.();
        throw error;
      }
    }
  }
  const { issuer, port, child, output } = started;
  return {
    issuer,
    port,
    env,
    output,
    process: child,
    async stop() {
      await stopProcess(child);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      await dropDatabase?.();
    },
  };
}

/** The compiled admin CLI on this portal's database, as an operator runs it beside the server; what it printed. */
export async function runAdmin(portal: RunningPortal, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [compiledAdmin, ...args], { cwd: portalDir, env: { ...process.env, ...portal.env } });
  return stdout;
}

function waitForReady(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portal did not start in 60 s:\n${output()}`)), 60_000);
    const check = () => {
      if (output().includes('portal ready on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`portal exited with code ${code}:\n${output()}`));
    });
  });
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A fresh database on the test server, so runs never see each other's rows. */
export async function createDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `pairgate_e2e_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
