/**
 * Approvals under load (issue 14): how long a device waits for its tokens after the person
 * approves, while the portal also answers the polls of thousands of waiting devices.
 *
 * - Background: `BENCH_MIXED_CODES` (10,000) pending device codes, each polled by the load worker
 *   (load.ts, pinned to the load core) every interval the portal gives (its default, 5 s), the
 *   devices' clocks spread evenly (pacer.ts): 2,000 polls a second, `slow_down` never earned.
 * - Foreground: `BENCH_MIXED_LANES` (25) people approving at once through the real forms — each
 *   signed in once, then per device: POST /activate with the code, GET /activate/confirm (a
 *   Next.js page), POST /activate/confirm — for devices that wait with their push channel open
 *   and poll at once on `approved` (flows.ts), new flows until the background run ends.
 * Measured: approve → tokens (t1 − t0, as push.ts), its parts, and the background's own figures.
 * Goal: p99 ≤ 200 ms. The portal is pinned to the server core, this process to the load core.
 * Prints one JSON object on stdout. See bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchPerson } from './common';
import { flowContext, latencyReport, runLanes } from './flows';
import { LoadWorker } from './load-worker';
import { Approver, now, signInAll } from './phone';
import {
  BenchError,
  exitOnFailure,
  cores,
  cpuSeconds,
  onLoadCore,
  log,
  pin,
  RAISED_CONNECTION_CAP,
  RAISED_ISSUANCE_LIMITS,
  rssMb,
  setting,
  startPortal,
  stopChild,
  type StartedServer,
} from './processes';
import { round } from './stats';
import { profileRun } from './targets';

const GOAL_P99_MS = 200;
/** BENCH_CPU_PROF=<dir>: a CPU profile of the portal over the measured window (bench/profiler.ts). */
const profileDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const QUICK = process.env.BENCH_QUICK === '1';
const settings = {
  liveCodes: Math.round(setting('BENCH_MIXED_CODES', 'codes', QUICK ? 2_000 : 10_000)),
  lanes: Math.round(setting('BENCH_MIXED_LANES', 'lanes', QUICK ? 10 : 25)),
  durationS: setting('BENCH_MIXED_DURATION', 'duration', QUICK ? 12 : 40),
};

async function measure(server: StartedServer, worker: LoadWorker, tmp: string) {
  const ctx = await flowContext(server.origin);
  const tokenUrl = ctx.metadata.token_endpoint;
  const authorizationUrl = ctx.metadata.device_authorization_endpoint;
  if (!tokenUrl || !authorizationUrl) throw new BenchError('discovery has no token_endpoint / device_authorization_endpoint');

  const codesFile = path.join(tmp, 'codes.txt');
  const minted = await worker.run({ kind: 'mint', url: authorizationUrl, connections: 32, amount: settings.liveCodes, outFile: codesFile });
  if ((minted.minted ?? 0) < settings.liveCodes) throw new BenchError(`asked for ${settings.liveCodes} device codes, got ${minted.minted} (${JSON.stringify(minted.errorKinds)})`);
  const intervalS = minted.intervalS ?? 5;
  log(`mixed: ${settings.liveCodes} waiting devices (interval ${intervalS} s); signing in ${settings.lanes} people`);

  const approvers = Array.from({ length: settings.lanes }, (_, i) => new Approver(server.origin, benchPerson(i + 1)));
  await signInAll(approvers);

  const cpuBefore = cpuSeconds(server.pid);
  const started = now();
  let backgroundDone = false;
  const background = profileRun({ ...server, name: 'portal' }, profileDir, 'mixed', () =>
    worker.run({ kind: 'pacedPoll', url: tokenUrl, connections: 64, durationS: settings.durationS, codesFile, intervalS }),
  ).finally(() => (backgroundDone = true));
  log(`mixed: ${settings.lanes} approvals at a time for ${settings.durationS} s while the devices poll`);
  // New flows start until the background run ends; the last ones finish under it, or just after.
  const flows = await runLanes(ctx, approvers, () => (backgroundDone ? undefined : 'push'), 'mixed');
  const polls = await background;
  const seconds = (now() - started) / 1000;
  const report = latencyReport(flows);
  return {
    approveToTokens: { ...report.push, approveRequest: report.approveRequest, lateClicks: report.lateClicks, errors: report.errors, ...(report.errorKinds ? { errorKinds: report.errorKinds } : {}), rawMs: report.rawMs.push },
    background: {
      liveCodes: settings.liveCodes,
      intervalS,
      rateCapPerS: polls.rateCapPerS,
      rps: round(polls.rps, 0),
      p50Ms: polls.p50Ms,
      p99Ms: polls.p99Ms,
      errors: polls.errors,
      ...(polls.errors > 0 ? { errorKinds: polls.errorKinds } : {}),
    },
    serverCpuShare: round((cpuSeconds(server.pid) - cpuBefore) / seconds, 2),
    durationS: round(seconds, 1),
  };
}

async function main(): Promise<void> {
  const pinnedRun = await onLoadCore(import.meta.url);
  if (pinnedRun !== undefined) {
    process.exitCode = pinnedRun;
    return;
  }
  const loadAtStart = round(os.loadavg()[0] ?? 0);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pairgate-bench-mixed-'));
  const worker = new LoadWorker();
  let server: StartedServer | undefined;
  try {
    // The default interval (5 s), the hardening limits on, issuance raised for the one address (processes.ts).
    const profiling: Record<string, string> = profileDir ? { PAIRGATE_BENCH_PROFILE_DIR: profileDir } : {};
    server = await startPortal({ dataDir, env: { ...RAISED_ISSUANCE_LIMITS, ...RAISED_CONNECTION_CAP, PAIRGATE_BENCH_PEOPLE: String(settings.lanes), ...profiling } });
    const result = await measure(server, worker, dataDir);
    const summary = {
      ...result,
      rssMb: rssMb(server.pid),
      goal: { approveToTokensP99MsAtMost: GOAL_P99_MS, met: result.approveToTokens.p99Ms <= GOAL_P99_MS },
      settings: { ...settings, quick: QUICK, pinned: pin },
      machine: { cores, node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', loadAvg1m: { start: loadAtStart, end: round(os.loadavg()[0] ?? 0) } },
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    const a = result.approveToTokens;
    log(`mixed: approve → tokens p50 ${a.p50Ms} ms, p99 ${a.p99Ms} ms, max ${a.maxMs} ms (n ${a.n}); background ${result.background.rps} polls/s (p99 ${result.background.p99Ms} ms); server CPU ${Math.round(result.serverCpuShare * 100)}%`);
    log(`${summary.goal.met ? 'GOAL MET' : 'GOAL NOT MET'}: approve → tokens p99 ${a.p99Ms} ms (goal ≤ ${GOAL_P99_MS} ms)`);
  } finally {
    await worker.stop();
    if (server) await stopChild(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(exitOnFailure);
