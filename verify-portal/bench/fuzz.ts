/**
 * `npm run fuzz` — hostile clients against a real portal process on loopback (issue 10), not
 * part of `npm test`. Starts the built portal with a fresh SQLite directory, makes real secrets
 * (a device code approved on a signed-in session, its access and refresh tokens), then sends
 * malformed requests over every endpoint and the device channel's WebSocket (bench/fuzz-cases.ts),
 * bounded in count and time, and prints one JSON object:
 *   { requests, byStatus: {"1xx"…"5xx", none, cut, timeout}, fiveXx, uncaught, leaks, … }
 * `leaks` counts responses that carry a secret it holds (device code, tokens, a password, a
 * client secret), a stack-trace line or a source-file path. Exits 1 when 5xx, uncaught
 * exceptions or leaks are not all zero; 2 when it cannot run.
 *
 * Flags: --requests N (10000), --seconds S (300), --concurrency C (16), --seed N (random).
 * Build first (`npm run build`): the portal serves its built pages.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startPortal, type RunningPortal } from '../test/support/portal';
import { createCaseGenerator, createRandom, type FuzzCase, type Secrets, type Session } from './fuzz-cases';
import { portalDir } from './processes';

const { values: flags } = parseArgs({
  options: { requests: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '16' }, seed: { type: 'string' } },
});
const settings = {
  requests: positive('requests', flags.requests),
  seconds: positive('seconds', flags.seconds),
  concurrency: positive('concurrency', flags.concurrency),
  seed: flags.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : positive('seed', flags.seed),
};
/** A client gives up on an answer after this long (the server's own request timeout is 30 s). */
const ANSWER_TIMEOUT_MS = 15_000;
/** Client addresses (all of 127.0.0.0/8 is loopback on Linux): per-address limits meet several peers. */
const SOURCES = ['127.0.0.1', '127.0.0.2', '127.0.0.3'] as const;

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) fail(`--${name} must be a positive whole number, not "${raw}"`);
  return value;
}

function fail(message: string): never {
  process.stderr.write(`[fuzz] ${message}\n`);
  process.exit(2);
}

/** The fuzz itself could not run (not a finding); thrown so the portal is still stopped. */
class SetupError extends Error {}
const setupError = (message: string): never => {
  throw new SetupError(message);
};

interface Answer {
  /** The status of the first final answer, or how the exchange ended without one. */
  outcome: number | 'none' | 'cut' | 'timeout';
  /** Everything received (headers and bodies), for the leak checks. */
  text: string;
}

/** The first final status line (past any 100 Continue), or undefined when none arrived. */
function finalStatus(text: string): number | undefined {
  for (const match of text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)) {
    const status = Number(match[1]);
    if (status >= 200) return status;
  }
  return undefined;
}

/** Sends raw bytes on a new connection and reads until the server closes it. */
function exchangeHttp(port: number, localAddress: string, bytes: Buffer, cutAfterMs?: number): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    const chunks: Buffer[] = [];
    const finish = (ending: 'none' | 'cut' | 'timeout') => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ outcome: finalStatus(text) ?? ending, text });
    };
    const timer = setTimeout(() => finish(cutAfterMs === undefined ? 'timeout' : 'cut'), cutAfterMs ?? ANSWER_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset after the answer is counted by what arrived
    socket.on('close', () => finish('none'));
    socket.write(bytes);
  });
}

/** A WebSocket session: the handshake, then (after a 101) each frame; until the server closes. */
function exchangeWs(port: number, localAddress: string, fuzz: Extract<FuzzCase, { kind: 'ws' }>): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    const chunks: Buffer[] = [];
    let sentFrames = false;
    const finish = (ending: 'none' | 'timeout') => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve({ outcome: status === undefined ? ending : Number(status), text });
    };
    let timer = setTimeout(() => finish('timeout'), ANSWER_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (!sentFrames && Buffer.concat(chunks).toString('latin1').startsWith('HTTP/1.1 101 ') && Buffer.concat(chunks).includes('\r\n\r\n')) {
        sentFrames = true;
        for (const frame of fuzz.frames) socket.write(frame);
        // Answered (101); a channel that accepted the frames stays open: stop listening soon.
        clearTimeout(timer);
        timer = setTimeout(() => finish('none'), 1_000);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => finish('none'));
    socket.write(fuzz.handshake);
  });
}

/**
 * Keeps `count` device-channel connections open from `localAddress` (each reopened when the
 * server closes it for not subscribing), so fuzzed WebSockets from that address run into the
 * per-address cap and its refusal path gets the bad frames too.
 */
function holdChannels(port: number, localAddress: string, count: number): () => void {
  let stopped = false;
  const sockets = new Set<net.Socket>();
  const open = () => {
    if (stopped) return;
    const key = randomBytes(16).toString('base64');
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    sockets.add(socket);
    let accepted = false;
    socket.on('data', (chunk: Buffer) => (accepted ||= chunk.toString('latin1').startsWith('HTTP/1.1 101 ')));
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      // Reopened only after a real channel: a refused handshake must not become a busy loop.
      if (accepted) open();
    });
    socket.write(`GET /oauth/device/events HTTP/1.1\r\nHost: portal.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  };
  for (let i = 0; i < count; i++) open();
  return () => {
    stopped = true;
    for (const socket of sockets) socket.destroy();
  };
}

/** The code of the first close frame the server sent after its 101 (RFC 6455 §5.5.1), if any. */
function closeCodeOf(text: string): number | undefined {
  const bytes = Buffer.from(text.slice(text.indexOf('\r\n\r\n') + 4), 'latin1');
  for (let at = 0; at + 1 < bytes.length; ) {
    const opcode = (bytes[at] ?? 0) & 0x0f;
    const length = (bytes[at + 1] ?? 0) & 0x7f;
    const start = at + (length === 126 ? 4 : 2);
    if (opcode === 0x8) return length >= 2 ? bytes.readUInt16BE(start) : 1005;
    at = start + (length === 126 ? bytes.readUInt16BE(at + 2) : length);
  }
  return undefined;
}

/** What must never come back: the secrets, stack-trace lines, source paths. */
function leakIn(text: string, secrets: Secrets, repoRoot: string): string | undefined {
  for (const [name, value] of Object.entries({ deviceCode: secrets.deviceCode, accessToken: secrets.accessToken, refreshToken: secrets.refreshToken, clientSecret: secrets.clientSecret })) {
    if (text.includes(value)) return name;
  }
  if (secrets.passwords.some((p) => text.includes(p))) return 'password';
  if (/\n {4}at |\bat [\w.<>]+ \(/.test(text)) return 'stack trace';
  if (text.includes(repoRoot) || text.includes('node_modules/') || /\.(?:ts|tsx|js|mjs):\d+:\d+/.test(text)) return 'file path';
  return undefined;
}

/** A signed-in session, and a device code it approved and redeemed: real secrets to look for. */
async function prepare(portal: RunningPortal): Promise<{ secrets: Secrets; session: Session }> {
  const base = portal.issuer;
  const form = (body: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body), redirect: 'manual' as const });
  const csrfIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? setupError('no CSRF token on the page');
  const cookieFrom = (response: Response, name: string) => response.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith(`${name}=`)) ?? setupError(`no ${name} cookie`);

  const device = (await (await fetch(`${base}/oauth/device/code`, form({ client_id: 'tv-kiosk', scope: 'openid profile offline_access' }))).json()) as { device_code: string; user_code: string };
  const loginPage = await fetch(`${base}/login`);
  const pre = cookieFrom(loginPage, 'pairgate-pre');
  const password = 'pairgate-demo';
  const signedIn = await fetch(`${base}/login`, { ...form({ csrf: csrfIn(await loginPage.text()), email: 'demo@example.com', password, next: '/activate' }), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre } });
  const cookie = cookieFrom(signedIn, 'pairgate-session');
  const csrf = csrfIn(await (await fetch(`${base}/activate`, { headers: { cookie } })).text());
  const withSession = (body: Record<string, string>) => ({ ...form(body), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
  await fetch(`${base}/activate`, withSession({ csrf, user_code: device.user_code }));
  await fetch(`${base}/activate/confirm`, withSession({ csrf, user_code: device.user_code, decision: 'approve' }));
  const tokens = (await (await fetch(`${base}/oauth/token`, form({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code, client_id: 'tv-kiosk' }))).json()) as Record<string, string>;
  if (!tokens.access_token || !tokens.refresh_token) throw new SetupError(`could not get tokens for the fuzz secrets: ${JSON.stringify({ error: tokens.error })}`);
  return {
    secrets: { deviceCode: device.device_code, accessToken: tokens.access_token, refreshToken: tokens.refresh_token, passwords: [password, 'fuzz-wrong-password-5b1f'], clientSecret: 'fuzz-client-secret-9c2e' },
    session: { cookie, csrf },
  };
}

async function main(): Promise<void> {
  if (!existsSync(path.join(portalDir, '.next', 'BUILD_ID'))) fail('the portal is not built: run `npm run build` first');
  const portal = await startPortal();
  // Ctrl-C: stop the portal too, then go.
  process.once('SIGINT', () => void portal.stop().finally(() => process.exit(130)));
  const started = Date.now();
  const byStatus: Record<string, number> = {};
  const leaks: { label: string; what: string }[] = [];
  const samples5xx: string[] = [];
  /** How accepted WebSockets ended: 1013 is the per-address cap, 1008 a policy violation, 1009 too big… */
  const wsCloseCodes: Record<string, number> = {};
  let requests = 0;
  try {
    const { secrets, session } = await prepare(portal);
    const generator = createCaseGenerator(createRandom(settings.seed), secrets, session);
    const repoRoot = path.resolve(portalDir, '..');
    const deadline = started + settings.seconds * 1000;
    // The device channel allows 20 per address (device-channel.ts): fill them on the first one.
    const releaseChannels = holdChannels(portal.port, SOURCES[0], 20);
    const random = createRandom(settings.seed + 1);
    process.stderr.write(`[fuzz] ${settings.requests} requests, at most ${settings.seconds} s, ${settings.concurrency} at a time, seed ${settings.seed}\n`);

    const worker = async () => {
      while (requests < settings.requests && Date.now() < deadline && portal.process.exitCode === null) {
        requests += 1;
        const fuzz = generator.next();
        const from = SOURCES[Math.floor(random() * SOURCES.length)] ?? '127.0.0.1';
        const answer = fuzz.kind === 'http' ? await exchangeHttp(portal.port, from, fuzz.bytes, fuzz.cutAfterMs) : await exchangeWs(portal.port, from, fuzz);
        const key = typeof answer.outcome === 'number' ? `${Math.floor(answer.outcome / 100)}xx` : answer.outcome;
        byStatus[key] = (byStatus[key] ?? 0) + 1;
        if (key === '5xx' && samples5xx.length < 5) samples5xx.push(`${fuzz.label} → ${answer.text.slice(0, 200)}`);
        const leak = leakIn(answer.text, secrets, repoRoot);
        if (leak) leaks.push({ label: fuzz.label, what: leak });
        if (fuzz.kind === 'ws' && answer.outcome === 101) {
          const code = closeCodeOf(answer.text) ?? 'open';
          wsCloseCodes[code] = (wsCloseCodes[code] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: settings.concurrency }, worker));
    releaseChannels();
    // The server is still alive and serving after all of it.
    const alive = portal.process.exitCode === null && (await fetch(`${portal.issuer}/healthz`).then((r) => r.status, () => 0)) === 200;
    const output = portal.output();
    const uncaught = (output.match(/uncaught|unhandled/gi) ?? []).length + (alive ? 0 : 1);
    const summary = {
      requests,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      seed: settings.seed,
      byStatus: Object.fromEntries(Object.entries(byStatus).sort()),
      wsCloseCodes,
      fiveXx: byStatus['5xx'] ?? 0,
      uncaught,
      leaks: leaks.length,
      serverAlive: alive,
      unexpectedErrorsLogged: (output.match(/unexpected error/gi) ?? []).length,
      ...(samples5xx.length ? { samples5xx } : {}),
      ...(leaks.length ? { leakSamples: leaks.slice(0, 5) } : {}),
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    process.exitCode = summary.fiveXx > 0 || uncaught > 0 || leaks.length > 0 ? 1 : 0;
  } finally {
    await portal.stop();
  }
}

main().catch((err: unknown) => fail(`could not run: ${err instanceof Error ? err.message : String(err)}`));
