/**
 * Throughput of the two hottest device-flow endpoints, Pairgate (SQLite and PostgreSQL) against
 * oidc-provider (the baseline) and bare Node (the floor, floor-server.ts: what any Node server
 * pays here), measured in the same run, servers pinned to core 0 and the load worker
 * (autocannon, load.ts) to core 1. Shapes:
 *   - pending polls over 1k / 10k / 100k live codes, each polled no sooner than its interval,
 *     at 32 and 64 connections;
 *   - device authorization at 32 and 64 connections, the issuance limits on (raised above what
 *     one address asks for), and once with the default limits (the 429 answer's cost).
 * Prints one JSON object on stdout, human lines on stderr. See bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadJob, LoadResult } from './common';
import { LoadWorker } from './load-worker';
import { postgresServerUrl } from './postgres';
import { BenchError, cores, exitOnFailure, LOAD_CORE, log, onCleanup, onLoadCore, pin, RAISED_CONNECTION_CAP, RAISED_ISSUANCE_LIMITS, rssMb, SERVER_CORE, setting } from './processes';
import { median, round } from './stats';
import { cpuBetween, profileRun, sampleCpu, startTarget, stopTarget, type Target, type TargetName } from './targets';

const GOALS = { pendingPollRatioAtLeast: 3, pendingPollAtConnections: 50, pendingPollAtLiveCodes: 10_000, deviceAuthorizationRatioAtLeast: 2 } as const;
const QUICK = process.env.BENCH_QUICK === '1';

function list(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const values = raw.split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new BenchError(`${name} must be a comma-separated list of whole numbers, not "${raw}"`);
  return values;
}

const postgresUrl = postgresServerUrl();
function stores(): ('sqlite' | 'postgres')[] {
  const raw = process.env.BENCH_STORES ?? (QUICK || !postgresUrl ? 'sqlite' : 'sqlite,postgres');
  const names = raw.split(',').map((s) => s.trim());
  for (const n of names) if (n !== 'sqlite' && n !== 'postgres') throw new BenchError(`BENCH_STORES lists sqlite and/or postgres, not "${n}"`);
  return names as ('sqlite' | 'postgres')[];
}

const SCENARIOS = ['poll', 'authorization', 'defaults'] as const;
type Scenario = (typeof SCENARIOS)[number];
function scenarios(): Scenario[] {
  const names = (process.env.BENCH_SCENARIOS ?? SCENARIOS.join(',')).split(',').map((s) => s.trim());
  for (const n of names) if (!(SCENARIOS as readonly string[]).includes(n)) throw new BenchError(`BENCH_SCENARIOS lists ${SCENARIOS.join(', ')}, not "${n}"`);
  return names as Scenario[];
}

const settings = {
  scenarios: scenarios(),
  durationS: setting('BENCH_DURATION', 'duration', QUICK ? 3 : 5),
  runs: Math.round(setting('BENCH_RUNS', 'runs', QUICK ? 1 : 3)),
  warmupS: setting('BENCH_WARMUP', 'warmup', QUICK ? 1 : 2),
  connections: list('BENCH_CONNECTIONS', QUICK ? [64] : [32, 64]),
  liveCodes: list('BENCH_LIVE_CODES', QUICK ? [10_000] : [1_000, 10_000, 100_000]),
  stores: stores(),
  quick: QUICK,
};
/** Connections used to make the live codes (not measured). */
const MINT_CONNECTIONS = 32;
/** The portal's default interval (src/defaults.ts). */
const DEFAULT_INTERVAL_S = 5;

/**
 * The interval the bench portal gives its codes. At the default 5 s, honest devices can poll
 * 100k codes at up to 16.7k/s (load.ts's pacing) — enough to saturate one core — but 10k codes
 * at only 1.7k/s; so smaller pools run at interval 0, which changes when `slow_down` would be
 * sent, never what a poll costs (README, "What the portal runs with").
 */
function intervalFor(liveCodes: number): number {
  const forced = process.env.BENCH_POLL_INTERVAL;
  if (forced !== undefined && forced !== '') return Number(forced);
  return liveCodes >= 100_000 ? DEFAULT_INTERVAL_S : 0;
}


/** BENCH_CPU_PROF=<dir>: a CPU profile of each measured run per server (bench/profiler.ts); slows the servers down. */
const profileDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });

// Made in main(), once this process is on the load core (see onLoadCore).
let tmp = '';
let worker: LoadWorker;
let jobs = 0;

interface Run extends LoadResult {
  cpuUsPerRequest: number;
  dbCpuUsPerRequest?: number;
}

async function measure(t: Target, job: LoadJob, label = ''): Promise<Run> {
  const before = await sampleCpu(t);
  const r = await profileRun(t, profileDir, label, () => worker.run(job));
  const cpu = cpuBetween(before, await sampleCpu(t));
  const per = (seconds: number) => round((seconds / Math.max(1, r.requests)) * 1e6, 1);
  return { ...r, cpuUsPerRequest: per(cpu.server), ...(cpu.database === undefined ? {} : { dbCpuUsPerRequest: per(cpu.database) }) };
}

interface Summary {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU per request, µs (median over the runs): /proc/<pid>/stat utime+stime delta ÷ requests. */
  cpuUsPerRequest: number;
  dbCpuUsPerRequest?: number;
  errors: number;
  errorKinds?: Record<string, number>;
  answers: Record<string, number>;
  rpsRuns: number[];
  /** Highest share of its core the load worker used: near 1, the client was the limit. */
  clientCpuShare: number;
  rateCapPerS?: number;
}

function summarize(runs: Run[]): Summary {
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  const errorKinds: Record<string, number> = {};
  const answers: Record<string, number> = {};
  for (const r of runs) {
    add(errorKinds, r.errorKinds);
    add(answers, r.answers);
  }
  const db = runs.map((r) => r.dbCpuUsPerRequest).filter((v): v is number => v !== undefined);
  const cap = runs[0]?.rateCapPerS;
  return {
    rps: round(median(runs.map((r) => r.rps)), 0),
    p50Ms: round(median(runs.map((r) => r.p50Ms))),
    p99Ms: round(median(runs.map((r) => r.p99Ms))),
    cpuUsPerRequest: round(median(runs.map((r) => r.cpuUsPerRequest)), 1),
    ...(db.length > 0 ? { dbCpuUsPerRequest: round(median(db), 1) } : {}),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    ...(Object.keys(errorKinds).length > 0 ? { errorKinds } : {}),
    answers,
    rpsRuns: runs.map((r) => round(r.rps, 0)),
    clientCpuShare: Math.max(...runs.map((r) => r.clientCpuShare)),
    ...(cap === undefined ? {} : { rateCapPerS: cap }),
  };
}

/** Warm-up, then `runs` measured runs per target, the targets taking turns so drift hits all alike. */
async function compare(targets: Target[], label: string, jobFor: (t: Target, durationS: number) => LoadJob): Promise<Map<TargetName, Summary>> {
  for (const t of targets) await worker.run(jobFor(t, settings.warmupS));
  const runs = new Map<Target, Run[]>(targets.map((t) => [t, []]));
  for (let run = 0; run < settings.runs; run++) {
    for (const t of run % 2 === 0 ? targets : [...targets].reverse()) {
      const r = await measure(t, jobFor(t, settings.durationS), `${label} run ${run + 1}`);
      runs.get(t)?.push(r);
      const extra = r.errors > 0 ? `  ${r.errors} errors ${JSON.stringify(r.errorKinds)}` : '';
      log(`${label} run ${run + 1} ${t.name.padEnd(8)} ${Math.round(r.rps).toString().padStart(6)} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  ${r.cpuUsPerRequest} µs CPU/req${r.dbCpuUsPerRequest === undefined ? '' : ` (+${r.dbCpuUsPerRequest} µs database)`}  client ${Math.round(r.clientCpuShare * 100)}%${extra}`);
    }
  }
  return new Map(targets.map((t) => [t.name, summarize(runs.get(t) ?? [])]));
}

async function withTargets<T>(names: TargetName[], portalEnv: Record<string, string>, fn: (targets: Target[]) => Promise<T>): Promise<T> {
  const targets: Target[] = [];
  try {
    for (const name of names) targets.push(await startTarget(name, { portalEnv: { ...RAISED_CONNECTION_CAP, ...portalEnv }, postgresUrl, profileDir }));
    return await fn(targets);
  } finally {
    for (const t of targets) await stopTarget(t);
  }
}

/** The stores measured, the baseline, the floor, and with BENCH_COMPARE the earlier version's portal (SQLite). */
function targetNames(): TargetName[] {
  return [...settings.stores, 'baseline', 'floor', ...(process.env.BENCH_COMPARE ? (['before'] as const) : [])];
}

function rssOf(targets: Target[]): Record<string, number> {
  return Object.fromEntries(targets.map((t) => [t.name, rssMb(t.pid)]));
}

/** Per store: Pairgate's figures beside the baseline's, and the ratios (req/s, and how many times less CPU a request costs). */
interface ShapeReport<S> {
  shape: S & { store: 'sqlite' | 'postgres' };
  pairgate: Summary | undefined;
  baseline: Summary | undefined;
  ratio: number | null;
  cpuRatio: number | null;
  /** Bare Node (floor-server.ts): what the machine and `node:http` cost by themselves. */
  floor: Summary | undefined;
  /** The floor's req/s over the baseline's: the highest `ratio` any Node server could reach here. */
  floorRatio: number | null;
  /** BENCH_COMPARE: the earlier version's figures, and this version's req/s over them. */
  before?: Summary;
  ratioToBefore?: number | null;
}

function shapeReports<S extends object>(shape: S, results: Map<TargetName, Summary>): ShapeReport<S>[] {
  const baseline = results.get('baseline');
  const floor = results.get('floor');
  const before = results.get('before');
  return settings.stores.map((store) => {
    const pairgate = results.get(store);
    return {
      shape: { ...shape, store },
      pairgate,
      baseline,
      ratio: pairgate && baseline ? round(pairgate.rps / baseline.rps) : null,
      cpuRatio: pairgate && baseline ? round(baseline.cpuUsPerRequest / pairgate.cpuUsPerRequest) : null,
      floor,
      floorRatio: floor && baseline ? round(floor.rps / baseline.rps) : null,
      ...(before && store === 'sqlite' ? { before, ratioToBefore: pairgate ? round(pairgate.rps / before.rps) : null } : {}),
    };
  });
}

type PollShape = { liveCodes: number; connections: number; intervalS: number };

async function pendingPolls() {
  const reports: ShapeReport<PollShape>[] = [];
  const rss: Record<string, Record<string, number>> = {};
  for (const liveCodes of settings.liveCodes) {
    const intervalS = intervalFor(liveCodes);
    const env = { ...RAISED_ISSUANCE_LIMITS, PAIRGATE_BENCH_POLL_INTERVAL_SECONDS: String(intervalS) };
    await withTargets(targetNames(), env, async (targets) => {
      const pools = new Map<Target, string>();
      for (const t of targets) {
        const outFile = path.join(tmp, `codes-${t.name}-${++jobs}.txt`);
        const minted = await worker.run({ kind: 'mint', url: t.origin + t.deviceAuthorizationPath, connections: MINT_CONNECTIONS, amount: liveCodes, outFile });
        if ((minted.minted ?? 0) < liveCodes) throw new BenchError(`${t.name}: asked for ${liveCodes} device codes, got ${minted.minted} (${JSON.stringify(minted.errorKinds)})`);
        if (t.name !== 'baseline' && minted.intervalS !== intervalS) throw new BenchError(`${t.name}: codes came with interval ${minted.intervalS}, expected ${intervalS}`);
        log(`${t.name}: ${liveCodes} live codes made in ${minted.durationS.toFixed(1)} s (interval ${minted.intervalS ?? '-'} s)`);
        pools.set(t, outFile);
      }
      const before = rssOf(targets);
      for (const connections of settings.connections) {
        const label = `poll ${liveCodes / 1000}k codes ${connections} conn`;
        const results = await compare(targets, label, (t, durationS) => ({
          kind: 'pendingPoll',
          url: t.origin + t.tokenPath,
          connections,
          durationS,
          codesFile: pools.get(t) ?? '',
          // The baseline never answers slow_down, so it is polled at the same pace.
          intervalS,
        }));
        reports.push(...shapeReports({ liveCodes, connections, intervalS }, results));
      }
      rss[`${liveCodes}`] = { ...Object.fromEntries(Object.entries(before).map(([k, v]) => [`${k}Before`, v])), ...rssOf(targets) };
    });
  }
  return { reports, rss };
}

async function deviceAuthorizations() {
  return withTargets(targetNames(), RAISED_ISSUANCE_LIMITS, async (targets) => {
    const reports: ShapeReport<{ connections: number }>[] = [];
    for (const connections of settings.connections) {
      const results = await compare(targets, `device authz ${connections} conn`, (t, durationS) => ({
        kind: 'deviceAuthorization',
        url: t.origin + t.deviceAuthorizationPath,
        connections,
        durationS,
        expect: ['200'],
      }));
      reports.push(...shapeReports({ connections }, results));
    }
    return { reports, rss: rssOf(targets) };
  });
}

/** One run with the default issuance limits: from one address nearly every answer is 429. */
async function defaultLimits() {
  return withTargets(['sqlite'], {}, async ([t]) => {
    if (!t) throw new BenchError('sqlite target did not start');
    const connections = Math.max(...settings.connections);
    const job = (durationS: number): LoadJob => ({ kind: 'deviceAuthorization', url: t.origin + t.deviceAuthorizationPath, connections, durationS, expect: ['200', '429 temporarily_unavailable'] });
    await worker.run(job(settings.warmupS));
    const r = await measure(t, job(settings.durationS), 'device authz default limits');
    log(`device authz, default limits, ${connections} conn: ${Math.round(r.rps)} req/s  ${r.cpuUsPerRequest} µs CPU/req  ${JSON.stringify(r.answers)}`);
    return { connections, ...summarize([r]) };
  });
}

async function main(): Promise<void> {
  // The orchestrator reads every server's output: keep it off the server core too.
  const pinnedRun = await onLoadCore(import.meta.url);
  if (pinnedRun !== undefined) {
    process.exitCode = pinnedRun;
    return;
  }
  tmp = mkdtempSync(path.join(os.tmpdir(), 'pairgate-bench-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  worker = new LoadWorker();
  const loadAtStart = round(os.loadavg()[0] ?? 0);
  const started = performance.now();
  if (!pin) log(`WARNING: ${cores} core(s) or no taskset: servers and load are NOT pinned; figures are not comparable`);
  log(`${settings.runs} × ${settings.durationS} s per shape and server (${settings.warmupS} s warm-up); connections ${settings.connections.join(', ')}; live codes ${settings.liveCodes.join(', ')}; stores ${settings.stores.join(', ')}; servers on core ${SERVER_CORE}, load on core ${LOAD_CORE}`);
  try {
    const polls = settings.scenarios.includes('poll') ? await pendingPolls() : { reports: [], rss: {} };
    const authz = settings.scenarios.includes('authorization') ? await deviceAuthorizations() : { reports: [], rss: {} };
    const atDefaults = settings.scenarios.includes('defaults') ? await defaultLimits() : null;
    const pollGoal = polls.reports.filter((r) => r.shape.liveCodes === GOALS.pendingPollAtLiveCodes && r.shape.connections >= GOALS.pendingPollAtConnections);
    const summary = {
      pendingPoll: polls.reports,
      deviceAuthorization: authz.reports,
      deviceAuthorizationDefaultLimits: atDefaults,
      rssMb: { pendingPollByLiveCodes: polls.rss, deviceAuthorization: authz.rss },
      goals: {
        ...GOALS,
        met: {
          pendingPoll: pollGoal.length > 0 ? Object.fromEntries(pollGoal.map((r) => [`${r.shape.store}@${r.shape.connections}`, (r.ratio ?? 0) >= GOALS.pendingPollRatioAtLeast])) : null,
          deviceAuthorization: Object.fromEntries(authz.reports.map((r) => [`${r.shape.store}@${r.shape.connections}`, (r.ratio ?? 0) >= GOALS.deviceAuthorizationRatioAtLeast])),
        },
      },
      settings: { ...settings, pinned: pin, pollIntervalS: Object.fromEntries(settings.liveCodes.map((n) => [n, intervalFor(n)])) },
      machine: { cores, node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', loadAvg1m: { start: loadAtStart, end: round(os.loadavg()[0] ?? 0) } },
      durationS: round((performance.now() - started) / 1000, 0),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    log('');
    log('shape                               Pairgate req/s  µs/req   baseline req/s  µs/req   ratio  CPU ratio   floor req/s  µs/req  floor ratio');
    const line = (name: string, r: ShapeReport<object>) =>
      log(
        `${name.padEnd(36)}${String(r.pairgate?.rps).padStart(14)} ${String(r.pairgate?.cpuUsPerRequest).padStart(7)} ${String(r.baseline?.rps).padStart(16)} ${String(r.baseline?.cpuUsPerRequest).padStart(7)} ${String(r.ratio).padStart(7)} ${String(r.cpuRatio).padStart(10)}` +
          `${String(r.floor?.rps).padStart(14)} ${String(r.floor?.cpuUsPerRequest).padStart(7)} ${String(r.floorRatio).padStart(12)}`,
      );
    for (const r of polls.reports) line(`poll ${r.shape.store} ${r.shape.liveCodes} codes ${r.shape.connections} conn`, r);
    for (const r of authz.reports) line(`device authz ${r.shape.store} ${r.shape.connections} conn`, r);
    log(`goals: ${JSON.stringify(summary.goals.met)}`);
  } finally {
    await worker.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch(exitOnFailure);
