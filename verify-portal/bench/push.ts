/**
 * The push-channel benchmark (issue 5): what the WebSocket hint `/oauth/device/events` buys a
 * waiting device, and what it costs the server.
 *
 * 1. Latency: device flows (`DeviceFlow` of @pairgate/shared, the server's 5 s interval) approved
 *    by a person over the portal's real forms at a uniformly random moment 0–5 s after the device
 *    started waiting. Measured: t1 − t0, from the approve click's server response (the 303 of
 *    POST /activate/confirm) to the device's DeviceFlow resolving `approved` with tokens; with
 *    push (channel open, `pollNow()` on `approved`) and with polling only.
 * 2. Scale: 10,000 waiting devices with open, subscribed channels on one instance: the server's
 *    RSS growth, and the time to deliver one approval (and its tokens) while they all wait.
 *
 * The portal runs pinned to core 0; this process (devices and approvers) pins itself to core 1 by
 * running itself again under `taskset -c 1`. Prints one JSON object on stdout and human lines on
 * stderr; exits 1 only when it cannot measure. See bench/README.md.
 *
 * Settings (env or flags): BENCH_PUSH_FLOWS / --flows=N (200 per mode), BENCH_PUSH_LANES /
 * --lanes=N (25 concurrent flows, one signed-in approver each), BENCH_PUSH_DEVICES / --devices=N
 * (10000), BENCH_PUSH_APPROVALS / --approvals=N (5 approvals measured among the waiting devices),
 * BENCH_PUSH_ONLY / --part=latency|scale.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { CHANNELS_PER_ADDRESS, closeChannel, loopbackAddress, openChannel, type Channel } from './channel';
import { benchPerson, CLIENT_ID, DEVICE_AUTH_BODY, DEVICE_CODE_GRANT, FORM_HEADERS } from './common';
import { distribution, flowContext, latencyReport, runLanes, sleep, type Mode } from './flows';
import { Approver, now, signInAll } from './phone';
import {
  allowedCpus,
  BenchError,
  exitOnFailure,
  cores,
  onLoadCore,
  log,
  onCleanup,
  pin,
  RAISED_CONNECTION_CAP,
  RAISED_ISSUANCE_LIMITS,
  rssMb,
  SERVER_CORE,
  setting,
  startPortal,
  stopChild,
  type StartedServer,
} from './processes';
import { median, round } from './stats';

const GOALS = { pushP50MsAtMost: 50, pushP99MsAtMost: 200, rssGrowthMbAtMost: 150 } as const;
/** The server closes a channel that has not subscribed within 5 s; waiting longer proves they all did. */
const SUBSCRIBE_SETTLE_MS = 6_000;
/** Device codes and channels are made with this many requests / handshakes in flight. */
const MINT_CONCURRENCY = 64;
const OPEN_CONCURRENCY = 200;

const QUICK = process.env.BENCH_QUICK === '1';
const settings = {
  flowsPerMode: Math.round(setting('BENCH_PUSH_FLOWS', 'flows', QUICK ? 10 : 200)),
  lanes: Math.round(setting('BENCH_PUSH_LANES', 'lanes', QUICK ? 5 : 25)),
  devices: Math.round(setting('BENCH_PUSH_DEVICES', 'devices', QUICK ? 1_000 : 10_000)),
  approvals: Math.round(setting('BENCH_PUSH_APPROVALS', 'approvals', QUICK ? 2 : 5)),
};

function selectedParts(): ('latency' | 'scale')[] {
  const only = process.argv.find((a) => a.startsWith('--part='))?.slice(7) ?? process.env.BENCH_PUSH_ONLY;
  if (only === undefined || only === '') return ['latency', 'scale'];
  if (only === 'latency' || only === 'scale') return [only];
  throw new BenchError(`--part / BENCH_PUSH_ONLY must be latency or scale, not "${only}"`);
}

/** Runs `fn` over `items` with at most `concurrency` at a time; results in input order. */
async function inParallel<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

// ---------------------------------------------------------------- 1. latency

async function latencyBenchmark(server: StartedServer) {
  const ctx = await flowContext(server.origin);
  const approvers = Array.from({ length: settings.lanes }, (_, i) => new Approver(server.origin, benchPerson(i + 1)));
  await signInAll(approvers);
  log(`latency: ${settings.lanes} approvers signed in; ${settings.flowsPerMode} flows with push and ${settings.flowsPerMode} with polling only, interleaved, ${settings.lanes} at a time`);
  // Modes alternate, so drift on a shared machine hits both alike.
  const queue: Mode[] = Array.from({ length: settings.flowsPerMode * 2 }, (_, i) => (i % 2 === 0 ? 'push' : 'polling'));
  let next = 0;
  return latencyReport(await runLanes(ctx, approvers, () => queue[next++], 'latency'));
}

// ---------------------------------------------------------------- 2. scale

interface MintedCode {
  deviceCode: string;
  userCode: string;
}

async function mintCodes(origin: string, amount: number): Promise<MintedCode[]> {
  const url = `${origin}/oauth/device/code`;
  return inParallel(Array.from({ length: amount }), MINT_CONCURRENCY, async () => {
    const res = await fetch(url, { method: 'POST', headers: FORM_HEADERS, body: DEVICE_AUTH_BODY });
    const body = (await res.json()) as { device_code?: unknown; user_code?: unknown };
    if (res.status !== 200 || typeof body.device_code !== 'string' || typeof body.user_code !== 'string') {
      throw new BenchError(`device authorization answered ${res.status} ${JSON.stringify(body)}`);
    }
    return { deviceCode: body.device_code, userCode: body.user_code };
  });
}

/** The server's RSS, as the median of a few samples over ~2 s (it moves with GC). */
async function settledRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(500);
    samples.push(rssMb(pid));
  }
  return round(median(samples), 1);
}

function tally(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

async function scaleBenchmark(server: StartedServer) {
  const n = settings.devices;
  const eventsUrl = `${server.origin.replace(/^http/, 'ws')}/oauth/device/events`;
  const approver = new Approver(server.origin);
  await approver.signIn();

  let t = now();
  const codes = await mintCodes(server.origin, n);
  const mintS = round((now() - t) / 1000, 1);
  log(`scale: made ${n} device codes in ${mintS} s`);
  const rssBefore = await settledRss(server.pid);
  log(`scale: server RSS ${rssBefore} MB before the channels`);

  t = now();
  const channels: Channel[] = [];
  await inParallel(codes, OPEN_CONCURRENCY, async (code, i) => {
    const channel = openChannel(eventsUrl, code.deviceCode, loopbackAddress(Math.floor(i / CHANNELS_PER_ADDRESS)));
    channels[i] = channel;
    await new Promise<void>((resolve) => {
      channel.ws.once('open', () => resolve());
      channel.ws.once('close', () => resolve());
    });
  });
  const openS = round((now() - t) / 1000, 1);
  const handshakes = channels.filter((c) => Number.isFinite(c.openedAt)).map((c) => c.openedAt - c.createdAt);
  log(`scale: ${handshakes.length}/${n} channels open in ${openS} s; waiting ${SUBSCRIBE_SETTLE_MS / 1000} s (the server closes any that has not subscribed within 5 s)`);
  await sleep(SUBSCRIBE_SETTLE_MS);
  const rssAfter = await settledRss(server.pid);
  const closedEarly = channels.filter((c) => c.closed !== undefined);
  const stillOpen = channels.filter((c) => c.closed === undefined && c.ws.readyState === WebSocket.OPEN).length;
  log(`scale: ${stillOpen} channels open and subscribed, ${closedEarly.length} closed; server RSS ${rssAfter} MB (+${round(rssAfter - rssBefore, 1)} MB)`);
  if (stillOpen < n * 0.99) {
    throw new BenchError(`scale: only ${stillOpen} of ${n} channels stayed open: ${JSON.stringify(tally(closedEarly.map((c) => `${c.closed?.code} ${c.closed?.reason}`)))}`);
  }

  // Approve a few of the waiting devices, one at a time, spread over the lot.
  const approvals: { openedMs: number; deliveryMs: number; fromSentMs: number; tokensMs: number }[] = [];
  for (let k = 0; k < settings.approvals; k++) {
    const index = Math.floor(((k + 0.5) * n) / settings.approvals);
    const channel = channels[index];
    const code = codes[index];
    if (!channel || !code || channel.closed) continue;
    const opened = await approver.open(code.userCode);
    const openedAt = await channel.waitFor('opened', 10_000);
    const click = await approver.approve(code.userCode);
    const approvedAt = await channel.waitFor('approved', 10_000);
    // What the device does on `approved`: poll the token endpoint at once.
    const tokens = await fetch(`${server.origin}/oauth/token`, {
      method: 'POST',
      headers: FORM_HEADERS,
      body: `grant_type=${encodeURIComponent(DEVICE_CODE_GRANT)}&device_code=${encodeURIComponent(code.deviceCode)}&client_id=${CLIENT_ID}`,
    });
    await tokens.arrayBuffer();
    const tokensAt = now();
    if (tokens.status !== 200) throw new BenchError(`scale: token request after approval answered ${tokens.status}`);
    approvals.push({
      openedMs: round(openedAt - opened.receivedAt, 1),
      deliveryMs: round(approvedAt - click.receivedAt, 1),
      fromSentMs: round(approvedAt - click.sentAt, 1),
      tokensMs: round(tokensAt - click.receivedAt, 1),
    });
  }
  const rssAfterApprovals = rssMb(server.pid);

  t = now();
  await inParallel(channels, 1_000, (c) => closeChannel(c, 15_000));
  const closeS = round((now() - t) / 1000, 1);
  await sleep(2_000);
  const rssAfterClose = await settledRss(server.pid);
  log(`scale: closed all channels in ${closeS} s; server RSS ${rssAfterClose} MB`);

  const growth = round(rssAfter - rssBefore, 1);
  return {
    devices: n,
    mintS,
    openS,
    handshakeMs: distribution(handshakes),
    channelsOpenAfterSettle: stillOpen,
    closedEarly: closedEarly.length,
    ...(closedEarly.length > 0 ? { closedEarlyKinds: tally(closedEarly.map((c) => `${c.closed?.code} ${c.closed?.reason}`)) } : {}),
    clientErrors: channels.filter((c) => c.error !== undefined).length,
    rssMb: {
      beforeChannels: rssBefore,
      withChannels: rssAfter,
      growth,
      perChannelKb: round((growth * 1024) / n, 1),
      afterApprovals: rssAfterApprovals,
      afterClose: rssAfterClose,
    },
    approvals,
    /** Approve response's arrival → that device's `approved` message (median of the approvals). */
    deliveryMs: round(median(approvals.map((a) => a.deliveryMs)), 1),
    deliveryFromSentMs: round(median(approvals.map((a) => a.fromSentMs)), 1),
    tokensMs: round(median(approvals.map((a) => a.tokensMs)), 1),
    closeS,
  };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const pinnedRun = await onLoadCore(import.meta.url);
  if (pinnedRun !== undefined) {
    process.exitCode = pinnedRun;
    return;
  }
  const parts = selectedParts();
  const loadAtStart = round(os.loadavg()[0] ?? 0);
  if (!pin) log(`WARNING: ${cores} core(s) or no taskset: server and devices are NOT pinned; figures are not comparable`);
  log(`push: server on core ${SERVER_CORE}, devices and approvers on core ${allowedCpus() || '?'}; parts: ${parts.join(', ')}`);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pairgate-bench-push-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  let server: StartedServer | undefined;
  try {
    // The default interval (5 s), the hardening limits on, issuance raised for the one address (processes.ts).
    server = await startPortal({ dataDir, env: { ...RAISED_ISSUANCE_LIMITS, ...RAISED_CONNECTION_CAP, PAIRGATE_BENCH_PEOPLE: String(settings.lanes) } });
    const rssAtStart = rssMb(server.pid);
    log(`pairgate ready at ${server.origin} (pid ${server.pid}, ${rssAtStart} MB RSS)`);
    const latency = parts.includes('latency') ? await latencyBenchmark(server) : null;
    if (latency) {
      log(`latency with push     (ms): p50 ${latency.push.p50Ms}  p99 ${latency.push.p99Ms}  mean ${latency.push.meanMs}  min ${latency.push.minMs}  max ${latency.push.maxMs}  (n ${latency.push.n}, ${latency.push.atOrBelowZero} ≤ 0)`);
      log(`latency polling only  (ms): p50 ${latency.polling.p50Ms}  p99 ${latency.polling.p99Ms}  mean ${latency.polling.meanMs}  min ${latency.polling.minMs}  max ${latency.polling.maxMs}  (n ${latency.polling.n})`);
    }
    const scale = parts.includes('scale') ? await scaleBenchmark(server) : null;
    if (scale) {
      log(`scale: ${scale.devices} channels: RSS +${scale.rssMb.growth} MB (${scale.rssMb.perChannelKb} KB each); approval delivered ${scale.deliveryMs} ms after the 303 (${scale.deliveryFromSentMs} ms after the click was sent), tokens ${scale.tokensMs} ms after the 303`);
    }
    const met = {
      pushP50: latency ? latency.push.p50Ms <= GOALS.pushP50MsAtMost : null,
      pushP99: latency ? latency.push.p99Ms <= GOALS.pushP99MsAtMost : null,
      rssGrowth: scale ? scale.rssMb.growth <= GOALS.rssGrowthMbAtMost : null,
    };
    const summary = {
      latency,
      scale,
      goals: { ...GOALS, met },
      settings: { ...settings, parts, pinned: pin },
      machine: {
        cores,
        node: process.version,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        loadAvg1m: { start: loadAtStart, end: round(os.loadavg()[0] ?? 0) },
      },
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    const verdict = (ok: boolean | null, text: string) => (ok === null ? undefined : log(`${ok ? 'GOAL MET' : 'GOAL NOT MET'}: ${text}`));
    verdict(met.pushP50, `push p50 ${latency?.push.p50Ms} ms (goal ≤ ${GOALS.pushP50MsAtMost} ms)`);
    verdict(met.pushP99, `push p99 ${latency?.push.p99Ms} ms (goal ≤ ${GOALS.pushP99MsAtMost} ms)`);
    verdict(met.rssGrowth, `RSS growth with ${scale?.devices} channels ${scale?.rssMb.growth} MB (goal ≤ ${GOALS.rssGrowthMbAtMost} MB)`);
  } catch (err) {
    if (server) log(`server output (last lines):\n${server.output().slice(-15).join('\n')}`);
    throw err;
  } finally {
    if (server) await stopChild(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(exitOnFailure);
