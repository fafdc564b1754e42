/**
 * Process helpers shared by the benchmarks (run.ts, push.ts, index.ts): child processes pinned
 * to a core with `taskset`, the node process that really serves under tsx, its RSS from /proc,
 * free ports, starting a server and waiting for its ready line, and clean-up on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/portal';
import { buildServers } from './build';
import { round } from './stats';

export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const portalDir = path.resolve(benchDir, '..');
const require = createRequire(import.meta.url);

/** Servers run on this core, load generators (autocannon, devices, approvers) on the other. */
export const SERVER_CORE = '0';
export const LOAD_CORE = '1';

/** A failure of the benchmark itself (cannot measure), reported without a stack trace. */
export class BenchError extends Error {
  override readonly name = 'BenchError';
}

/** The machine's cores (not availableParallelism(): that is 1 inside a process pinned to one core). */
export const cores = os.cpus().length;
/** Whether children are pinned to cores (needs 2 cores and taskset). */
export const pin = cores >= 2 && existsSync('/usr/bin/taskset');
const tsxCli = require.resolve('tsx/cli');
const live = new Set<ChildProcess>();
/** Children that clean up after themselves: stopped with SIGTERM, not SIGKILL, on Ctrl-C. */
const gentle = new WeakSet<ChildProcess>();
const exitCleanups: (() => void)[] = [];

/**
 * A positive number from `--<flag>=N` or the environment variable `name`, else `fallback`.
 * (Through npm, only the env form reaches the script: npm keeps `--flags` for itself.)
 */
export function setting(name: string, flag: string, fallback: number): number {
  const fromFlag = process.argv.find((a) => a.startsWith(`--${flag}=`))?.split('=', 2)[1];
  const raw = fromFlag ?? process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new BenchError(`${name} / --${flag} must be a positive number, not "${raw}"`);
  return value;
}

export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The child is itself a benchmark that stops its own children: stop it with SIGTERM. */
  gentle?: boolean;
  /** Give the child a stdin pipe (the load worker reads its jobs there). */
  stdin?: boolean;
}

/**
 * `taskset -c <core> node <tsx cli> <args>`, or without taskset on a one-core machine or when
 * `core` is undefined (a child that pins its own children).
 */
export function spawnTsx(core: string | undefined, args: string[], options: SpawnOptions): ChildProcess {
  return spawnPinned(core, [process.execPath, tsxCli, ...args], options);
}

/** `taskset -c <core> node <args>`: compiled JavaScript, as production runs it (bench/build.ts). */
function spawnNode(core: string, args: string[], options: SpawnOptions): ChildProcess {
  return spawnPinned(core, [process.execPath, ...args], options);
}

function spawnPinned(core: string | undefined, command: string[], options: SpawnOptions): ChildProcess {
  const argv = pin && core !== undefined ? ['taskset', '-c', core, ...command] : command;
  const child = spawn(argv[0] ?? 'taskset', argv.slice(1), {
    cwd: options.cwd,
    env: options.env,
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: true, // own process group: stopping it also stops a node process tsx starts
  });
  live.add(child);
  if (options.gentle) gentle.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Runs `cleanup` (synchronously) when the benchmark is interrupted or calls `cleanupNow`. */
export function onCleanup(cleanup: () => void): void {
  exitCleanups.push(cleanup);
}

/** Stops every live child at once and runs the registered clean-ups. For failures and signals. */
export function cleanupNow(): void {
  for (const child of live) killGroup(child, gentle.has(child) ? 'SIGTERM' : 'SIGKILL');
  for (const cleanup of exitCleanups.splice(0)) {
    try {
      cleanup();
    } catch {
      /* best effort */
    }
  }
}
/** A benchmark's last word when it cannot go on: the reason (a `BenchError`'s message, else the stack), clean-up, exit 1. */
export function exitOnFailure(err: unknown): never {
  log(err instanceof BenchError ? err.message : `failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  cleanupNow();
  process.exit(1);
}

// A benchmark reads its settings while its module loads, so a bad one (BENCH_SCENARIOS=nope) is
// thrown before any catch of its own: the same one line and clean-up, not a stack trace.
process.on('uncaughtException', exitOnFailure);
process.once('SIGINT', () => {
  cleanupNow();
  process.exit(130);
});
process.once('SIGTERM', () => {
  cleanupNow();
  process.exit(143);
});

/** Children of a process, from /proc/<pid>/task/<tid>/children. */
function childPids(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    /* process gone */
  }
  return out;
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * The node process that actually serves: `taskset` execs node (under tsx, node running the tsx
 * CLI, which starts the real node process as its child; esbuild's service may sit below it). The
 * deepest `node` in the tree is the server.
 */
export function servingPid(rootPid: number): number {
  let best = rootPid;
  let bestDepth = -1;
  const walk = (pid: number, depth: number): void => {
    if (commOf(pid).startsWith('node') && depth > bestDepth) {
      best = pid;
      bestDepth = depth;
    }
    for (const child of childPids(pid)) walk(child, depth + 1);
  };
  walk(rootPid, 0);
  return best;
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return round(kb / 1024, 1);
}

/**
 * When this benchmark process is not yet on the load core: runs its file (`moduleUrl`) again
 * under `taskset -c 1`, passing its output through, and resolves with that run's exit code;
 * else (already there, or no pinning) undefined, and the caller carries on.
 */
export async function onLoadCore(moduleUrl: string): Promise<number | undefined> {
  if (!pin || allowedCpus() === LOAD_CORE) return undefined;
  const child = spawnTsx(LOAD_CORE, [fileURLToPath(moduleUrl), ...process.argv.slice(2)], { cwd: portalDir, env: process.env, gentle: true });
  child.stdout?.pipe(process.stdout);
  child.stderr?.pipe(process.stderr);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

/** The CPUs this process may run on, e.g. "1" or "0-1" (Linux). */
export function allowedCpus(): string {
  try {
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------- servers

export interface StartedServer {
  child: ChildProcess;
  origin: string;
  /** The serving node process (for RSS). */
  pid: number;
  /** The last lines the server printed (about 16 KB of them). */
  output(): string[];
}

/** How much of a server's output is kept, for error messages. */
const OUTPUT_TAIL = 16 * 1024;

/**
 * Starts `node <args>` (a compiled server, bench/build.ts) in verify-portal on a free port,
 * pinned to the server core, with `PORT`, `HOST=127.0.0.1` and `NODE_ENV=production`, and
 * resolves once it prints `ready`. Its output is kept as a bounded tail of raw text, never split
 * per line while it serves: a server logs a line per request, and this process reads them all.
 */
export async function startServer(
  name: string,
  args: string[],
  env: (origin: string) => Record<string, string>,
  ready: string,
): Promise<StartedServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawnNode(SERVER_CORE, args, {
    cwd: portalDir,
    env: { ...process.env, ...env(origin), PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' },
  });
  let tail = '';
  const remember = (chunk: Buffer): void => {
    tail += chunk.toString('utf8');
    if (tail.length > 2 * OUTPUT_TAIL) tail = tail.slice(-OUTPUT_TAIL);
  };
  const output = (): string[] => tail.slice(-OUTPUT_TAIL).split('\n').filter(Boolean).slice(1);
  // Both pipes stay drained for the server's whole life, so a chatty server never blocks.
  child.stderr?.on('data', remember);
  child.stdout?.on('data', remember);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new BenchError(`${name} did not print "${ready}" within 120 s:\n${output().slice(-20).join('\n')}`)), 120_000);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new BenchError(`${name} exited (code ${code}) before it was ready:\n${output().slice(-20).join('\n')}`));
    };
    child.once('exit', onExit);
    const watch = (): void => {
      if (!tail.includes(ready)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', watch);
      resolve();
    };
    child.stdout?.on('data', watch);
  });
  return { child, origin, pid: servingPid(child.pid ?? 0), output };
}

/**
 * Issuance limits far above what one loopback address asks for, for the bench portal
 * (bench/portal-server.ts): still checked and counted on every device authorization. At the
 * defaults (30 per network per 30 s, then 1/s; 3,000 per client per minute) the one address
 * every benchmark request comes from would be answered 429 after its first 30 codes.
 */
export const RAISED_ISSUANCE_LIMITS = { PAIRGATE_BENCH_CODES_PER_NETWORK: '1000000000', PAIRGATE_BENCH_CODES_PER_CLIENT: '1000000000' } as const;
/** 64 load connections + the orchestrator's own from one address: the default cap (64 per address) would refuse one. */
export const RAISED_CONNECTION_CAP = { PAIRGATE_MAX_CONNECTIONS_PER_ADDRESS: '128' } as const;

export interface PortalOptions {
  /** The SQLite directory (`PAIRGATE_DATA_DIR`); an empty one makes a fresh store. */
  dataDir: string;
  /** A PostgreSQL database (`DATABASE_URL`) instead of SQLite. */
  databaseUrl?: string;
  /** More environment, e.g. the bench-only settings of bench/portal-server.ts. */
  env?: Record<string, string>;
  /** The BENCH_COMPARE checkout's portal instead of this one's (bench/build.ts). */
  compared?: boolean;
}

/**
 * The real portal (bench/portal-server.ts compiled: server.ts with the bench-only settings it is
 * given) with `PAIRGATE_ISSUER=<origin>`, seeded with the demo user and clients on first start.
 */
export async function startPortal(options: PortalOptions): Promise<StartedServer> {
  if (!existsSync(path.join(portalDir, '.next', 'BUILD_ID'))) {
    throw new BenchError(
      'verify-portal/.next has no production build, and the portal will not start without one.\n' +
        '        Build it once: cd /work/main && flock /tmp/pairgate-build.lock npm run build',
    );
  }
  const env = (origin: string): Record<string, string> => ({
    // The demo user and the public client tv-kiosk, which the benchmarks play.
    PAIRGATE_SEED_DEMO: 'true',
    ...options.env,
    PAIRGATE_ISSUER: origin,
    PAIRGATE_DATA_DIR: options.dataDir,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  });
  try {
    const { portalServer, comparedPortalServer } = await buildServers();
    const server = options.compared ? comparedPortalServer : portalServer;
    if (!server) throw new BenchError('BENCH_COMPARE is not set');
    return await startServer('pairgate', [server], env, 'portal ready on');
  } catch (err) {
    throw new BenchError(`Pairgate would not start: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// ---------------------------------------------------------------- CPU

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux we run on). */
const CLOCK_TICKS = 100;

/**
 * CPU seconds a process has used so far, all its threads together: utime + stime from
 * /proc/<pid>/stat (fields 14 and 15, in clock ticks). NaN when the process is gone.
 */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
