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
import { fileURLToPath } from 'node:url';
import { WebSocket, type RawData } from 'ws';
import { DeviceFlow, discover, parsePushStatusMessage, serializePushMessage, type AuthorizationServerMetadata, type PushStatus } from '@pairgate/shared';
import { CLIENT_ID, DEVICE_AUTH_BODY, DEVICE_CODE_GRANT, FORM_HEADERS } from './common';
import {
  allowedCpus,
  BenchError,
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
  stopChild,
  type StartedServer,
} from './processes';
import { median, quantile, round } from './stats';

const GOALS = { pushP50MsAtMost: 50, pushP99MsAtMost: 200, rssGrowthMbAtMost: 150 } as const;
/** The demo account the portal seeds into an empty store (src/admin/demo.ts). */
const DEMO = { email: 'demo@example.com', password: 'pairgate-demo' } as const;
const SCOPE = 'openid profile offline_access';
/** The portal allows this many open channels per client address (device-channel.ts). */
const CHANNELS_PER_ADDRESS = 20;
/** The server closes a channel that has not subscribed within 5 s; waiting longer proves they all did. */
const SUBSCRIBE_SETTLE_MS = 6_000;
const FLOW_TIMEOUT_MS = 30_000;
/** Device codes and channels are made with this many requests / handshakes in flight. */
const MINT_CONCURRENCY = 64;
const OPEN_CONCURRENCY = 200;

const settings = {
  flowsPerMode: Math.round(setting('BENCH_PUSH_FLOWS', 'flows', 200)),
  lanes: Math.round(setting('BENCH_PUSH_LANES', 'lanes', 25)),
  devices: Math.round(setting('BENCH_PUSH_DEVICES', 'devices', 10_000)),
  approvals: Math.round(setting('BENCH_PUSH_APPROVALS', 'approvals', 5)),
};

function selectedParts(): ('latency' | 'scale')[] {
  const only = process.argv.find((a) => a.startsWith('--part='))?.slice(7) ?? process.env.BENCH_PUSH_ONLY;
  if (only === undefined || only === '') return ['latency', 'scale'];
  if (only === 'latency' || only === 'scale') return [only];
  throw new BenchError(`--part / BENCH_PUSH_ONLY must be latency or scale, not "${only}"`);
}

const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

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

/**
 * Client socket addresses for the channels, `CHANNELS_PER_ADDRESS` per address, from 127.0.1.1
 * on (all of 127.0.0.0/8 is loopback on Linux), so the per-address limit is never what stops us.
 * Real devices each have their own address.
 */
function loopbackAddress(slot: number): string {
  const third = 1 + Math.floor(slot / 254);
  if (third > 254) throw new BenchError(`too many loopback addresses needed (${slot + 1})`);
  return `127.0.${third}.${1 + (slot % 254)}`;
}

// ---------------------------------------------------------------- the person with the phone

interface Timed {
  /** performance.now() when the request was handed to fetch. */
  sentAt: number;
  /** performance.now() when the response (status and headers) arrived. */
  receivedAt: number;
}

/**
 * A person signed in to the portal, acting over HTTP on its real forms (the contract of
 * test/support/phone.ts): one session, so one code at a time.
 */
class Approver {
  readonly #origin: string;
  readonly #cookies = new Map<string, string>();
  #csrf = '';

  constructor(origin: string) {
    this.#origin = origin;
  }

  async #request(method: 'GET' | 'POST', pathname: string, form?: Record<string, string>): Promise<{ status: number; location: string; text: string } & Timed> {
    const headers: Record<string, string> = {};
    if (this.#cookies.size > 0) headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) Object.assign(headers, FORM_HEADERS);
    const sentAt = now();
    const res = await fetch(this.#origin + pathname, {
      method,
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const receivedAt = now();
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (gone) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, location: res.headers.get('location') ?? '', text, sentAt, receivedAt };
  }

  static #csrfIn(html: string, page: string): string {
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!csrf) throw new BenchError(`${page} has no csrf field`);
    return csrf;
  }

  /** GET /login → POST /login (demo user) → GET /activate for the session's CSRF token. */
  async signIn(): Promise<void> {
    const page = await this.#request('GET', '/login');
    if (page.status !== 200) throw new BenchError(`GET /login answered ${page.status}`);
    const done = await this.#request('POST', '/login', { csrf: Approver.#csrfIn(page.text, '/login'), email: DEMO.email, password: DEMO.password, next: '/activate' });
    if (done.status !== 303 || done.location.includes('error=')) throw new BenchError(`POST /login answered ${done.status} → ${done.location}`);
    const activate = await this.#request('GET', '/activate');
    if (activate.status !== 200) throw new BenchError(`GET /activate (signed in) answered ${activate.status} → ${activate.location}`);
    this.#csrf = Approver.#csrfIn(activate.text, '/activate');
  }

  /** Types the code (POST /activate) and opens the confirm screen (GET /activate/confirm: `opened`). */
  async open(userCode: string): Promise<Timed> {
    const typed = await this.#request('POST', '/activate', { csrf: this.#csrf, user_code: userCode });
    if (typed.status !== 303 || !typed.location.endsWith('/activate/confirm')) {
      throw new BenchError(`POST /activate answered ${typed.status} → ${typed.location}`);
    }
    const confirm = await this.#request('GET', '/activate/confirm');
    if (confirm.status !== 200) throw new BenchError(`GET /activate/confirm answered ${confirm.status} → ${confirm.location}`);
    return confirm;
  }

  /** Presses Approve: POST /activate/confirm → 303 /activate/done. Its arrival is t0. */
  async approve(userCode: string): Promise<Timed> {
    const r = await this.#request('POST', '/activate/confirm', { csrf: this.#csrf, user_code: userCode, decision: 'approve' });
    if (r.status !== 303 || !r.location.endsWith('/activate/done')) throw new BenchError(`POST /activate/confirm answered ${r.status} → ${r.location}`);
    return r;
  }
}

// ---------------------------------------------------------------- the device's channel

interface Channel {
  ws: WebSocket;
  /** performance.now() of the first message of each status. */
  seen: Map<PushStatus, number>;
  /** performance.now() when the handshake completed (NaN until then). */
  openedAt: number;
  createdAt: number;
  closed?: { code: number; reason: string; at: number };
  error?: string;
  /** Resolves when `status` arrives (or at once if it already has). */
  waitFor(status: PushStatus, timeoutMs: number): Promise<number>;
}

/** Opens the push channel from `localAddress` and subscribes to `deviceCode` in the first message. */
function openChannel(url: string, deviceCode: string, localAddress: string, onStatus?: (status: PushStatus) => void): Channel {
  const waiters = new Map<PushStatus, ((at: number) => void)[]>();
  const ws = new WebSocket(url, { localAddress, perMessageDeflate: false, handshakeTimeout: 30_000 });
  const channel: Channel = {
    ws,
    seen: new Map(),
    openedAt: NaN,
    createdAt: now(),
    waitFor(status, timeoutMs) {
      const at = channel.seen.get(status);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new BenchError(`no "${status}" push message within ${timeoutMs} ms${channel.closed ? ` (channel closed ${channel.closed.code} ${channel.closed.reason})` : ''}`)), timeoutMs);
        const list = waiters.get(status) ?? [];
        list.push((t) => {
          clearTimeout(timer);
          resolve(t);
        });
        waiters.set(status, list);
      });
    },
  };
  ws.on('open', () => {
    channel.openedAt = now();
    ws.send(serializePushMessage({ type: 'subscribe', device_code: deviceCode }));
  });
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const at = now();
    const message = isBinary ? undefined : parsePushStatusMessage(data.toString());
    if (!message) return;
    if (!channel.seen.has(message.status)) channel.seen.set(message.status, at);
    onStatus?.(message.status);
    for (const resolve of waiters.get(message.status) ?? []) resolve(at);
    waiters.delete(message.status);
  });
  ws.on('error', (err) => {
    channel.error ??= err.message;
  });
  ws.on('close', (code, reason) => {
    channel.closed = { code, reason: reason.toString(), at: now() };
  });
  return channel;
}

function closeChannel(channel: Channel, timeoutMs = 5_000): Promise<void> {
  if (channel.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      channel.ws.terminate();
      resolve();
    }, timeoutMs);
    channel.ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (channel.ws.readyState === WebSocket.CONNECTING) channel.ws.terminate();
    else channel.ws.close(1000);
  });
}

// ---------------------------------------------------------------- 1. latency

type Mode = 'push' | 'polling';

interface FlowSample {
  mode: Mode;
  /** t1 − t0: the approve response's arrival → DeviceFlow resolved `approved` with tokens. */
  ms: number;
  /** t1 − the moment the approve request was sent. */
  fromSentMs: number;
  /** The `approved` push message's arrival − t0 (push mode; often < 0: it overtakes the 303). */
  pushMs?: number;
  /** t1 − the push message's arrival: the token request that `pollNow()` made (push mode). */
  tokensAfterPushMs?: number;
  /** How long the approve request (POST /activate/confirm) took. */
  approveRequestMs: number;
  /** When the approve request was sent, after the device started waiting (planned: 0–interval). */
  clickAtMs: number;
  plannedClickAtMs: number;
  intervalS: number;
}

interface FlowContext {
  metadata: AuthorizationServerMetadata;
  eventsUrl: string;
}

async function runFlow(ctx: FlowContext, mode: Mode, approver: Approver, localAddress: string): Promise<FlowSample> {
  const controller = new AbortController();
  const flow = new DeviceFlow({ metadata: ctx.metadata, client: { client_id: CLIENT_ID }, scope: SCOPE });
  let waitingAt = NaN;
  let approvedAt = NaN;
  let channel: Channel | undefined;
  const waiting = new Promise<{ userCode: string; deviceCode: string; interval: number }>((resolve, reject) => {
    flow.subscribe((state) => {
      if (state.status === 'waiting' && Number.isNaN(waitingAt)) {
        waitingAt = now();
        // The device opens its channel as soon as it shows the code, as the device app does.
        if (mode === 'push') {
          channel = openChannel(ctx.eventsUrl, state.authorization.device_code, localAddress, (status) => {
            if (status === 'approved' || status === 'denied') flow.pollNow();
          });
        }
        resolve({ userCode: state.authorization.user_code, deviceCode: state.authorization.device_code, interval: state.interval });
      } else if (state.status === 'approved') {
        approvedAt = now();
      } else if (state.status !== 'idle' && state.status !== 'requesting' && state.status !== 'waiting') {
        reject(new BenchError(`device flow ${state.status} before approval`));
      }
    });
  });
  const timer = setTimeout(() => controller.abort(new BenchError(`flow not approved within ${FLOW_TIMEOUT_MS} ms`)), FLOW_TIMEOUT_MS);
  const result = flow.start(controller.signal);
  try {
    const { userCode, interval } = await waiting;
    const plannedClickAtMs = Math.random() * interval * 1000;
    await approver.open(userCode);
    await sleep(waitingAt + plannedClickAtMs - now());
    const click = await approver.approve(userCode);
    const end = await result;
    if (end.status !== 'approved') throw new BenchError(`device flow ended ${end.status}${end.status === 'failed' ? `: ${end.error.message}` : ''}`);
    const pushAt = channel?.seen.get('approved');
    return {
      mode,
      ms: approvedAt - click.receivedAt,
      fromSentMs: approvedAt - click.sentAt,
      ...(mode === 'push' ? { pushMs: pushAt === undefined ? NaN : pushAt - click.receivedAt, tokensAfterPushMs: pushAt === undefined ? NaN : approvedAt - pushAt } : {}),
      approveRequestMs: click.receivedAt - click.sentAt,
      clickAtMs: click.sentAt - waitingAt,
      plannedClickAtMs,
      intervalS: interval,
    };
  } finally {
    clearTimeout(timer);
    controller.abort();
    await result.catch(() => undefined);
    if (channel) await closeChannel(channel);
  }
}

interface Distribution {
  n: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

function distribution(values: number[]): Distribution {
  const finite = values.filter(Number.isFinite);
  return {
    n: finite.length,
    p50Ms: round(quantile(finite, 0.5), 1),
    p99Ms: round(quantile(finite, 0.99), 1),
    meanMs: round(finite.reduce((a, b) => a + b, 0) / finite.length, 1),
    minMs: round(Math.min(...finite), 1),
    maxMs: round(Math.max(...finite), 1),
  };
}

async function latencyBenchmark(server: StartedServer) {
  const metadata = await discover(server.origin);
  const eventsUrl = (metadata as unknown as Record<string, unknown>).pairgate_device_events_endpoint;
  if (typeof eventsUrl !== 'string') throw new BenchError('discovery does not advertise pairgate_device_events_endpoint');
  const ctx: FlowContext = { metadata, eventsUrl };

  const approvers = Array.from({ length: settings.lanes }, () => new Approver(server.origin));
  await Promise.all(approvers.map((a) => a.signIn()));
  log(`latency: ${settings.lanes} approvers signed in; ${settings.flowsPerMode} flows with push and ${settings.flowsPerMode} with polling only, interleaved, ${settings.lanes} at a time`);

  // Modes alternate, so drift on a shared machine hits both alike.
  const queue: Mode[] = Array.from({ length: settings.flowsPerMode * 2 }, (_, i) => (i % 2 === 0 ? 'push' : 'polling'));
  const samples: FlowSample[] = [];
  const errors: Record<string, number> = {};
  let next = 0;
  const started = now();
  let lastReport = started;
  await Promise.all(
    approvers.map(async (approver, lane) => {
      // Channels from one address per lane: 25 lanes on 127.0.0.1 would pass the per-address limit.
      const address = `127.0.100.${lane + 1}`;
      while (next < queue.length) {
        const mode = queue[next++] as Mode;
        try {
          samples.push(await runFlow(ctx, mode, approver, address));
        } catch (err) {
          const kind = `${mode}: ${err instanceof Error ? err.message : String(err)}`;
          errors[kind] = (errors[kind] ?? 0) + 1;
        }
        if (now() - lastReport > 15_000) {
          lastReport = now();
          log(`latency: ${samples.length}/${queue.length} flows done (${Math.round((now() - started) / 1000)} s)`);
        }
      }
    }),
  );
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  if (errorCount > queue.length * 0.05) throw new BenchError(`latency: ${errorCount} of ${queue.length} flows failed: ${JSON.stringify(errors)}`);

  const of = (mode: Mode) => samples.filter((s) => s.mode === mode);
  const push = of('push');
  const polling = of('polling');
  const raw = (list: FlowSample[]) => list.map((s) => round(s.ms, 1));
  const report = {
    /** The polling interval the server gave the devices. */
    intervalS: median(samples.map((s) => s.intervalS)),
    push: {
      ...distribution(push.map((s) => s.ms)),
      /** t1 − t0 ≤ 0: the push and the poll it triggered beat the 303 back to the phone. */
      atOrBelowZero: push.filter((s) => s.ms <= 0).length,
      fromSent: distribution(push.map((s) => s.fromSentMs)),
      /** The `approved` push message's arrival − t0. */
      pushMessage: distribution(push.map((s) => s.pushMs ?? NaN)),
      pushMessageMissing: push.filter((s) => !Number.isFinite(s.pushMs ?? NaN)).length,
      /** t1 − the push message's arrival: the token request `pollNow()` made. */
      tokensAfterPush: distribution(push.map((s) => s.tokensAfterPushMs ?? NaN)),
    },
    polling: {
      ...distribution(polling.map((s) => s.ms)),
      atOrBelowZero: polling.filter((s) => s.ms <= 0).length,
      fromSent: distribution(polling.map((s) => s.fromSentMs)),
    },
    /** POST /activate/confirm round trips, all flows: how busy the server was. */
    approveRequest: distribution(samples.map((s) => s.approveRequestMs)),
    /** Clicks sent more than 50 ms after their planned random moment (the code was still being typed). */
    lateClicks: samples.filter((s) => s.clickAtMs - s.plannedClickAtMs > 50).length,
    errors: errorCount,
    ...(errorCount > 0 ? { errorKinds: errors } : {}),
    durationS: round((now() - started) / 1000, 1),
    rawMs: { push: raw(push), polling: raw(polling) },
  };
  return report;
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

/** Runs this same file again under `taskset -c 1`, passing its output through. */
async function rerunPinned(): Promise<number> {
  const self = fileURLToPath(import.meta.url);
  const child = spawnTsx(LOAD_CORE, [self, ...process.argv.slice(2)], { cwd: portalDir, env: process.env, gentle: true });
  child.stdout?.pipe(process.stdout);
  child.stderr?.pipe(process.stderr);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

async function main(): Promise<void> {
  if (pin && allowedCpus() !== LOAD_CORE) {
    process.exitCode = await rerunPinned();
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
    server = await startPortal({ dataDir });
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
    if (server) log(`server output (last lines):\n${server.output.slice(-15).join('\n')}`);
    throw err;
  } finally {
    if (server) await stopChild(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  log(err instanceof BenchError ? err.message : `failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  cleanupNow();
  process.exit(1);
});
