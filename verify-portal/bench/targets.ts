/**
 * The servers the throughput benchmark measures: Pairgate on SQLite, Pairgate on PostgreSQL, the
 * oidc-provider baseline and the bare-Node floor (floor-server.ts), each a child process pinned to
 * the server core; their endpoints from discovery, a smoke test, and the CPU they spend (the
 * server process, and for PostgreSQL the database backends serving it).
 */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLIENT_ID, DEVICE_AUTH_BODY, DEVICE_CODE_GRANT, FORM_HEADERS } from './common';
import { backendCpuDelta, createBenchDatabase, type BenchDatabase } from './postgres';
import { buildServers } from './build';
import { BenchError, cpuSeconds, startPortal, startServer, stopChild, type StartedServer } from './processes';

/** `before`: SQLite, the portal of the BENCH_COMPARE checkout (bench/build.ts). */
export type TargetName = 'sqlite' | 'postgres' | 'baseline' | 'floor' | 'before';

export interface Target extends StartedServer {
  name: TargetName;
  deviceAuthorizationPath: string;
  tokenPath: string;
  dataDir?: string;
  database?: BenchDatabase;
}

export interface StartOptions {
  /** Bench-only settings for the portal (bench/portal-server.ts); the baseline ignores them, the floor takes the poll interval. */
  portalEnv: Record<string, string>;
  /** PostgreSQL server to make a fresh database on (needed for `postgres`). */
  postgresUrl?: string;
  /** BENCH_CPU_PROF: where the servers write CPU profiles of the measured runs (see `profileRun`). */
  profileDir?: string;
}

export async function startTarget(name: TargetName, options: StartOptions): Promise<Target> {
  const profiling: Record<string, string> = options.profileDir ? { PAIRGATE_BENCH_PROFILE_DIR: options.profileDir } : {};
  if (name === 'baseline') {
    const { baselineServer } = await buildServers();
    return withEndpoints(name, await startServer(name, [baselineServer], () => profiling, 'baseline ready on'), {});
  }
  if (name === 'floor') {
    const { floorServer } = await buildServers();
    const interval = options.portalEnv.PAIRGATE_BENCH_POLL_INTERVAL_SECONDS;
    return withEndpoints(name, await startServer(name, [floorServer], () => ({ ...profiling, ...(interval ? { PAIRGATE_BENCH_POLL_INTERVAL_SECONDS: interval } : {}) }), 'floor ready on'), {});
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pairgate-bench-data-'));
  let database: BenchDatabase | undefined;
  try {
    if (name === 'postgres') {
      if (!options.postgresUrl) throw new BenchError('postgres: set PAIRGATE_TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL server');
      database = await createBenchDatabase(options.postgresUrl);
    }
    const started = await startPortal({ dataDir, env: { ...options.portalEnv, ...profiling }, compared: name === 'before', ...(database ? { databaseUrl: database.url } : {}) });
    return await withEndpoints(name, started, { dataDir, ...(database ? { database } : {}) });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop().catch(() => undefined);
    throw err;
  }
}

export async function stopTarget(t: Target): Promise<void> {
  await stopChild(t.child);
  if (t.dataDir) rmSync(t.dataDir, { recursive: true, force: true });
  await t.database?.drop();
}

async function withEndpoints(name: TargetName, started: StartedServer, extra: Pick<Target, 'dataDir' | 'database'>): Promise<Target> {
  const metadata = (await fetchJson(`${started.origin}/.well-known/openid-configuration`)).body as Record<string, unknown>;
  const deviceAuthorizationEndpoint = metadata.device_authorization_endpoint;
  const tokenEndpoint = metadata.token_endpoint;
  if (typeof deviceAuthorizationEndpoint !== 'string' || typeof tokenEndpoint !== 'string') {
    throw new BenchError(`${name}: discovery has no device_authorization_endpoint / token_endpoint`);
  }
  const target: Target = {
    ...started,
    ...extra,
    name,
    deviceAuthorizationPath: new URL(deviceAuthorizationEndpoint).pathname,
    tokenPath: new URL(tokenEndpoint).pathname,
  };
  await smokeTest(target);
  return target;
}

async function fetchJson(url: string, form?: string): Promise<{ status: number; body: unknown }> {
  // Connection: close, so this request leaves no idle keep-alive socket counted against the
  // portal's per-address cap while the load generator opens its connections.
  const headers = { connection: 'close', ...(form === undefined ? {} : FORM_HEADERS) };
  const res = await fetch(url, form === undefined ? { headers } : { method: 'POST', headers, body: form });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    throw new BenchError(`${url} answered ${res.status} with a non-JSON body: ${text.slice(0, 200)}`);
  }
}

/** One device authorization and one poll by hand, so a broken server fails loudly and early. */
async function smokeTest(t: Target): Promise<void> {
  const auth = await fetchJson(t.origin + t.deviceAuthorizationPath, DEVICE_AUTH_BODY);
  const deviceCode = (auth.body as { device_code?: unknown }).device_code;
  if (auth.status !== 200 || typeof deviceCode !== 'string') {
    throw new BenchError(`${t.name}: device authorization answered ${auth.status} ${JSON.stringify(auth.body)}`);
  }
  const poll = await fetchJson(
    t.origin + t.tokenPath,
    `grant_type=${encodeURIComponent(DEVICE_CODE_GRANT)}&device_code=${encodeURIComponent(deviceCode)}&client_id=${CLIENT_ID}`,
  );
  if (poll.status !== 400 || (poll.body as { error?: unknown }).error !== 'authorization_pending') {
    throw new BenchError(`${t.name}: first poll answered ${poll.status} ${JSON.stringify(poll.body)}, expected 400 authorization_pending`);
  }
}

export interface CpuSample {
  server: number;
  backends?: Map<number, number>;
}

export async function sampleCpu(t: Target): Promise<CpuSample> {
  return { server: cpuSeconds(t.pid), ...(t.database ? { backends: await t.database.backendCpu() } : {}) };
}

/** CPU seconds between two samples: the server process, and (PostgreSQL) its database backends. */
export function cpuBetween(before: CpuSample, after: CpuSample): { server: number; database?: number } {
  return {
    server: after.server - before.server,
    ...(before.backends && after.backends ? { database: backendCpuDelta(before.backends, after.backends) } : {}),
  };
}

/**
 * Runs `measure` inside a CPU profile of the server (bench/profiler.ts: SIGUSR2 starts and stops
 * it), written as `<profileDir>/<label>-<target>.cpuprofile`; without a directory, just runs it.
 */
export async function profileRun<T>(t: Pick<StartedServer, 'pid' | 'child'> & { name: string }, profileDir: string | undefined, label: string, measure: () => Promise<T>): Promise<T> {
  if (!profileDir) return measure();
  process.kill(t.pid, 'SIGUSR2');
  const result = await measure();
  const written = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new BenchError(`${t.name}: no CPU profile written within 30 s`)), 30_000);
    const onData = (chunk: Buffer) => {
      const file = /\[bench\] profile written: (\S+)/.exec(chunk.toString('utf8'))?.[1];
      if (!file) return;
      clearTimeout(timer);
      t.child.stdout?.off('data', onData);
      resolve(file);
    };
    t.child.stdout?.on('data', onData);
  });
  process.kill(t.pid, 'SIGUSR2');
  renameSync(await written, path.join(profileDir, `${label.replace(/[^A-Za-z0-9]+/g, '-')}-${t.name}.cpuprofile`));
  return result;
}
