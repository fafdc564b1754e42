/**
 * `npm run bench`: device authorization and pending-poll throughput of Pairgate against
 * oidc-provider (the baseline), measured in the same run on the same machine.
 *
 * Both servers run pinned to core 0, the load generator (autocannon, in bench/load.ts) to core 1.
 * Prints one JSON object on stdout and a few human lines on stderr. See bench/README.md.
 *
 * Settings (env or flags): BENCH_DURATION / --duration=S (10), BENCH_RUNS / --runs=N (3),
 * BENCH_WARMUP / --warmup=S (3), BENCH_CONNECTIONS / --connections=N (32); for debugging the
 * bench, BENCH_ONLY / --only=pairgate|baseline, and BENCH_CPU_PROF=<dir> for server CPU profiles.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CLIENT_ID,
  DEVICE_AUTH_BODY,
  DEVICE_CODE_GRANT,
  FORM_HEADERS,
  type LoadJob,
  type LoadResult,
  type ScenarioSummary,
} from './common';
import {
  BenchError,
  benchDir,
  cleanupNow,
  cores,
  LOAD_CORE,
  log,
  onCleanup,
  pin,
  portalDir,
  rssMb,
  SERVER_CORE,
  setting,
  spawnTsx,
  startPortal,
  startServer,
  stopChild,
  type StartedServer,
} from './processes';
import { median, round } from './stats';

const GOAL_PENDING_POLL_RATIO = 2;

// ---------------------------------------------------------------- settings

const settings = {
  durationS: setting('BENCH_DURATION', 'duration', 10),
  runs: Math.round(setting('BENCH_RUNS', 'runs', 3)),
  warmupS: setting('BENCH_WARMUP', 'warmup', 3),
  connections: Math.round(setting('BENCH_CONNECTIONS', 'connections', 32)),
};
/** Connections used to make the pending device codes before the poll runs (not measured). */
const MINT_CONNECTIONS = 64;
/** Pool size = expected polls × this margin, so no code is polled twice. */
const POOL_MARGIN = 1.25;

// ---------------------------------------------------------------- processes

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pairgate-bench-'));
onCleanup(() => rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------- servers

/**
 * BENCH_CPU_PROF=<dir>: the servers write V8 CPU profiles (`.cpuprofile`, open in Chrome
 * DevTools or speedscope) to <dir>/<server>/ when they stop. Profiling slows them down: use
 * it to find hot spots, not for the figures.
 */
function profileFlags(name: string): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir, name)}`] : []; // tsx hands node flags to node
}

interface Target extends StartedServer {
  name: 'pairgate' | 'baseline';
  deviceAuthorizationPath: string;
  tokenPath: string;
}

/** Reads a started server's device authorization and token endpoints from its discovery document. */
async function withEndpoints(name: Target['name'], started: StartedServer): Promise<Target> {
  const metadata = (await fetchJson(`${started.origin}/.well-known/openid-configuration`)).body as Record<string, unknown>;
  const deviceAuthorizationEndpoint = metadata.device_authorization_endpoint;
  const tokenEndpoint = metadata.token_endpoint;
  if (typeof deviceAuthorizationEndpoint !== 'string' || typeof tokenEndpoint !== 'string') {
    throw new BenchError(`${name}: discovery has no device_authorization_endpoint / token_endpoint`);
  }
  return {
    ...started,
    name,
    deviceAuthorizationPath: new URL(deviceAuthorizationEndpoint).pathname,
    tokenPath: new URL(tokenEndpoint).pathname,
  };
}

async function fetchJson(url: string, form?: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, form === undefined ? {} : { method: 'POST', headers: FORM_HEADERS, body: form });
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

// ---------------------------------------------------------------- load jobs

let jobCounter = 0;

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const file = path.join(tmp, `job-${++jobCounter}.json`);
  writeFileSync(file, JSON.stringify(job));
  const child = spawnTsx(LOAD_CORE, [path.join(benchDir, 'load.ts'), file], { cwd: portalDir, env: process.env });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const last = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) {
    throw new BenchError(`load worker (${job.kind}) failed with code ${code}:\n${stderr.slice(-2000)}`);
  }
  return JSON.parse(last) as LoadResult;
}

function deviceAuthorizationJob(t: Target, durationS: number): LoadJob {
  return { kind: 'deviceAuthorization', url: t.origin + t.deviceAuthorizationPath, connections: settings.connections, durationS };
}

/** Makes `amount` pending device codes on `t` and returns the file that lists them. */
async function mintPool(t: Target, amount: number): Promise<string> {
  const outFile = path.join(tmp, `codes-${t.name}-${++jobCounter}.txt`);
  const started = performance.now();
  const result = await runLoad({ kind: 'mint', url: t.origin + t.deviceAuthorizationPath, connections: MINT_CONNECTIONS, amount, outFile });
  const minted = result.minted ?? 0;
  log(`${t.name}: made ${minted} pending device codes in ${((performance.now() - started) / 1000).toFixed(1)} s (${Math.round(result.rps)}/s)`);
  if (minted < amount * 0.99) {
    throw new BenchError(`${t.name}: asked for ${amount} device codes, got ${minted} (${JSON.stringify(result.errorKinds)})`);
  }
  return outFile;
}

function pendingPollJob(t: Target, durationS: number, codesFile: string): LoadJob {
  return { kind: 'pendingPoll', url: t.origin + t.tokenPath, connections: settings.connections, durationS, codesFile };
}

// ---------------------------------------------------------------- statistics


interface ScenarioReport extends ScenarioSummary {
  rpsRuns: number[];
  errorKinds?: Record<string, number>;
}

/** Medians of rate and latency over the measured runs; errors are the total over all of them. */
function summarize(runs: LoadResult[]): ScenarioReport {
  const kinds: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.errorKinds)) kinds[k] = (kinds[k] ?? 0) + v;
  const report: ScenarioReport = {
    rps: round(median(runs.map((r) => r.rps)), 0),
    p50Ms: round(median(runs.map((r) => r.p50Ms))),
    p99Ms: round(median(runs.map((r) => r.p99Ms))),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    rpsRuns: runs.map((r) => round(r.rps, 0)),
  };
  if (Object.keys(kinds).length > 0) report.errorKinds = kinds;
  return report;
}

function describe(t: Target, scenario: string, r: LoadResult): string {
  const extra = r.errors > 0 ? `, ${r.errors} errors ${JSON.stringify(r.errorKinds)}` : '';
  const pool = r.exhausted ? ` (code pool ran out after ${r.durationS.toFixed(1)} s)` : '';
  return `${t.name.padEnd(8)} ${scenario.padEnd(19)} ${Math.round(r.rps).toString().padStart(6)} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms${extra}${pool}`;
}

// ---------------------------------------------------------------- main

/** `--only=baseline` / `--only=pairgate` (or BENCH_ONLY) measures one server alone, for debugging the bench. */
function selectedServers(): Target['name'][] {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? process.env.BENCH_ONLY;
  if (only === undefined || only === '') return ['pairgate', 'baseline'];
  if (only === 'pairgate' || only === 'baseline') return [only];
  throw new BenchError(`--only / BENCH_ONLY must be pairgate or baseline, not "${only}"`);
}

async function startTarget(name: Target['name'], dataDir: string): Promise<Target> {
  if (name === 'baseline') {
    return withEndpoints(name, await startServer(name, [...profileFlags(name), path.join(benchDir, 'baseline-server.ts')], () => ({}), 'baseline ready on'));
  }
  return withEndpoints(name, await startPortal(dataDir, profileFlags(name)));
}

async function main(): Promise<void> {
  const loadAtStart = round(os.loadavg()[0] ?? 0);
  const names = selectedServers();
  if (!pin) log(`WARNING: ${cores} core(s) or no taskset: server and load generator are NOT pinned; figures are not comparable`);
  log(
    `${settings.runs} run(s) of ${settings.durationS} s per scenario and server, ${settings.warmupS} s warm-up, ` +
      `${settings.connections} connections; servers on core ${SERVER_CORE}, load on core ${LOAD_CORE}`,
  );

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pairgate-bench-data-'));
  const targets: Target[] = [];
  try {
    for (const name of names) targets.push(await startTarget(name, dataDir));
    for (const t of targets) {
      await smokeTest(t);
      log(`${t.name} ready at ${t.origin} (pid ${t.pid}, ${rssMb(t.pid)} MB RSS): device authorization ${t.deviceAuthorizationPath}, token ${t.tokenPath}`);
    }
    /** Alternate which server goes first, so slow drift on a shared machine hits both alike. */
    const inTurn = (run: number): Target[] => (run % 2 === 0 ? targets : [...targets].reverse());

    // Scenario A: device authorization.
    const a = new Map<Target, LoadResult[]>(targets.map((t) => [t, []]));
    for (const t of targets) {
      const warm = await runLoad(deviceAuthorizationJob(t, settings.warmupS));
      log(`warm-up ${describe(t, 'device authz', warm)}`);
    }
    for (let run = 0; run < settings.runs; run++) {
      for (const t of inTurn(run)) {
        const r = await runLoad(deviceAuthorizationJob(t, settings.durationS));
        a.get(t)?.push(r);
        log(`run ${run + 1}  ${describe(t, 'device authz', r)}`);
      }
    }

    // Scenario B: pending polls, every poll with a code nobody polled before.
    const rss = new Map<Target, { before: number; after: number }>();
    for (const t of targets) rss.set(t, { before: rssMb(t.pid), after: NaN });
    const b = new Map<Target, LoadResult[]>(targets.map((t) => [t, []]));
    const expectedRps = new Map<Target, number>();
    for (const t of targets) {
      // The warm-up pool is a guess; the warm-up's own rate then sizes the measured pools.
      const guess = Math.max(2_000, Math.round(median(a.get(t)?.map((r) => r.rps) ?? []) * 2 * settings.warmupS));
      const warm = await runLoad(pendingPollJob(t, settings.warmupS, await mintPool(t, guess)));
      log(`warm-up ${describe(t, 'pending poll', warm)}`);
      // A short warm-up underrates a server that is still warming up: leave room.
      expectedRps.set(t, warm.rps * 1.3);
    }
    for (let run = 0; run < settings.runs; run++) {
      for (const t of inTurn(run)) {
        const expected = Math.max(expectedRps.get(t) ?? 0, ...(b.get(t)?.map((r) => r.rps) ?? []));
        let size = Math.ceil(expected * settings.durationS * POOL_MARGIN) + settings.connections;
        for (let attempt = 1; ; attempt++) {
          const pool = await mintPool(t, size);
          const r = await runLoad(pendingPollJob(t, settings.durationS, pool));
          rmSync(pool, { force: true });
          log(`run ${run + 1}  ${describe(t, 'pending poll', r)}`);
          // A run cut short by an empty pool counts if it still ran 80% of its time; a shorter one
          // is run again with a pool sized on the rate just seen.
          if (r.exhausted && r.durationS < settings.durationS * 0.8 && attempt < 3) {
            size = Math.ceil(r.rps * settings.durationS * POOL_MARGIN * 1.25) + settings.connections;
            continue;
          }
          b.get(t)?.push(r);
          break;
        }
      }
    }
    for (const t of targets) {
      const entry = rss.get(t);
      if (entry) entry.after = rssMb(t.pid);
    }

    const reports = new Map(
      targets.map((t) => [
        t.name,
        { deviceAuthorization: summarize(a.get(t) ?? []), pendingPoll: summarize(b.get(t) ?? []), rssMb: rss.get(t) },
      ]),
    );
    const pg = reports.get('pairgate');
    const base = reports.get('baseline');
    const ratio =
      pg && base
        ? {
            deviceAuthorization: round(pg.deviceAuthorization.rps / base.deviceAuthorization.rps),
            pendingPoll: round(pg.pendingPoll.rps / base.pendingPoll.rps),
          }
        : null;
    const goalMet = ratio !== null && ratio.pendingPoll >= GOAL_PENDING_POLL_RATIO;
    const summary = {
      pairgate: pg ?? null,
      baseline: base ?? null,
      ratio,
      goal: { pendingPollRatioAtLeast: GOAL_PENDING_POLL_RATIO, met: goalMet },
      settings: { ...settings, pinned: pin },
      machine: {
        cores,
        node: process.version,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        // Other work on the machine shows here: on 2 cores, a load well above 2 means noisy figures.
        loadAvg1m: { start: loadAtStart, end: round(os.loadavg()[0] ?? 0) },
      },
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);

    const cell = (text: string | number | undefined, width: number): string => String(text ?? '-').padStart(width);
    log('');
    log(`medians of ${settings.runs} run(s)                 Pairgate       baseline   ratio`);
    log(
      `device authorization  req/s ${cell(pg?.deviceAuthorization.rps, 14)} ${cell(base?.deviceAuthorization.rps, 14)}   ${ratio?.deviceAuthorization ?? '-'}`,
    );
    log(`pending poll          req/s ${cell(pg?.pendingPoll.rps, 14)} ${cell(base?.pendingPoll.rps, 14)}   ${ratio?.pendingPoll ?? '-'}`);
    log(`pending poll p50 / p99   ms ${cell(pg && `${pg.pendingPoll.p50Ms} / ${pg.pendingPoll.p99Ms}`, 14)} ${cell(base && `${base.pendingPoll.p50Ms} / ${base.pendingPoll.p99Ms}`, 14)}`);
    log(`RSS before → after polls MB ${cell(pg && `${pg.rssMb?.before} → ${pg.rssMb?.after}`, 14)} ${cell(base && `${base.rssMb?.before} → ${base.rssMb?.after}`, 14)}`);
    for (const [name, r] of reports) {
      const errors = r.deviceAuthorization.errors + r.pendingPoll.errors;
      if (errors > 0) log(`${name} answered ${errors} request(s) unexpectedly: ${JSON.stringify({ ...r.deviceAuthorization.errorKinds, ...r.pendingPoll.errorKinds })}`);
    }
    if (ratio === null) log('only one server measured: no ratio, goal not evaluated');
    else
      log(
        `${goalMet ? 'GOAL MET' : 'GOAL NOT MET'}: pending-poll throughput is ${ratio.pendingPoll}× the baseline (goal ≥ ${GOAL_PENDING_POLL_RATIO}×)`,
      );
  } finally {
    for (const t of targets) await stopChild(t.child);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  log(err instanceof BenchError ? err.message : `failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  cleanupNow();
  process.exit(1);
});
