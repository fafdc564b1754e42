/**
 * The malformed requests of the fuzz script (bench/fuzz.ts), drawn from a seeded generator so a
 * run can be repeated: raw HTTP/1.1 bytes for every endpoint (wrong methods, garbage and
 * repeated parameters, secrets where they do not belong, broken framing, hostile headers and
 * request lines), and WebSocket sessions on the device channel (garbage handshakes, bad and
 * oversized frames, wrong first messages).
 */
import { MAX_PUSH_MESSAGE_LENGTH } from '@pairgate/shared';

/** Values the server must never send back: found in a response, they are a leak. */
export interface Secrets {
  deviceCode: string;
  accessToken: string;
  refreshToken: string;
  /** The demo password the fuzz signs in with, and one it only ever sends as a wrong guess. */
  passwords: readonly string[];
  /** A made-up client secret sent with client authentication. */
  clientSecret: string;
}

/** What a signed-in phone has: to get past CSRF checks into the form handlers' own rules. */
export interface Session {
  cookie: string;
  csrf: string;
}

export type FuzzCase =
  | { kind: 'http'; label: string; bytes: Buffer; /** Incomplete on purpose: stop waiting after this long. */ cutAfterMs?: number }
  | { kind: 'ws'; label: string; handshake: Buffer; /** Sent after a 101, one write each. */ frames: Buffer[] };

export function createRandom(seed: number): () => number {
  // mulberry32: small, fast, and the same sequence for the same seed.
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OAUTH_POSTS: Record<string, readonly string[]> = {
  '/oauth/device/code': ['client_id', 'scope', 'device_name', 'device_model'],
  '/oauth/token': ['grant_type', 'device_code', 'code', 'code_verifier', 'redirect_uri', 'refresh_token', 'client_id', 'client_secret', 'username', 'password', 'scope', 'audience', 'resource', 'client_assertion', 'client_assertion_type'],
  '/oauth/revoke': ['token', 'token_type_hint', 'client_id', 'client_secret'],
  '/oauth/introspect': ['token', 'token_type_hint', 'client_id', 'client_secret'],
  '/oauth/authorize': ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'response_mode', 'prompt', 'max_age', 'login_hint'],
  '/userinfo': ['access_token'],
};
const FORMS: Record<string, readonly string[]> = {
  '/login': ['csrf', 'email', 'password', 'next', 'reauth'],
  '/logout': ['csrf', 'next'],
  '/activate': ['csrf', 'user_code'],
  '/activate/confirm': ['csrf', 'decision', 'user_code'],
  '/account/devices': ['csrf', 'grant_id', 'everywhere'],
  '/account/apps': ['csrf', 'client_id'],
  '/consent': ['csrf', 'request', 'decision'],
};
const GETS = [
  '/', '/activate', '/activate?user_code=', '/activate/confirm', '/activate/done', '/login', '/login?next=', '/consent?request=', '/account/devices', '/account/apps',
  '/oauth/authorize?', '/userinfo', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json',
  '/oauth/device/events', '/api/devices', '/healthz', '/readyz', '/no/such/page', '/_next/static/chunks/nothing.js', '/oauth/nothing',
];
const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'PROPFIND', 'get'];
/** Parameters whose value the server keeps secret (the others may be echoed by design: `state`, `next`, `user_code`…). */
const SECRET_PARAMS = new Set(['device_code', 'code', 'refresh_token', 'token', 'password', 'client_secret', 'client_assertion', 'code_verifier', 'access_token']);

export function createCaseGenerator(random: () => number, secrets: Secrets, session: Session) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const secretValues = [secrets.deviceCode, secrets.accessToken, secrets.refreshToken, secrets.clientSecret, ...secrets.passwords];

  function garbage(): string {
    return pick([
      () => '',
      () => 'x'.repeat(1 + Math.floor(random() * 5000)),
      () => '%00%ff%fe%c0%af',
      () => '%',
      () => '\u0000\u0001\u001b[31m',
      () => '<script>alert(1)</script>',
      () => "' OR 1=1 --",
      () => '../../../../etc/passwd',
      () => '😀'.repeat(50),
      () => '\ud800',
      () => JSON.stringify({ a: [1, { b: null }] }),
      () => String(Math.floor(random() * 2 ** 53)),
      () => '-1',
      () => 'urn:ietf:params:oauth:grant-type:device_code',
      () => 'refresh_token',
      () => 'openid profile email offline_access devices:read admin',
      () => 'https://evil.example/cb',
      () => '//evil.example',
      () => 'BCDF-GHJK',
      () => 'tv-kiosk',
      () => 'desktop-app',
      () => 'S256',
      () => 'approve',
      () => 'deny',
    ])();
  }

  function value(name: string): string {
    return SECRET_PARAMS.has(name) && chance(0.4) ? pick(secretValues) : garbage();
  }

  function form(names: readonly string[], withCsrf: boolean): string {
    const params = new URLSearchParams();
    if (withCsrf) params.append('csrf', session.csrf);
    const count = Math.floor(random() * (names.length + 3));
    for (let i = 0; i < count; i++) {
      const name = chance(0.9) ? pick(names) : garbage().slice(0, 40);
      params.append(name, value(name));
    }
    // RFC 6749 §3.1: a repeated parameter is an error; send some.
    if (chance(0.1) && names[0]) params.append(names[0], value(names[0]));
    return chance(0.05) ? `${params.toString()}&%zz=%&&==&${'&'.repeat(10)}` : params.toString();
  }

  function body(names: readonly string[], withCsrf: boolean): { type: string; text: string } {
    return pick([
      () => ({ type: 'application/x-www-form-urlencoded', text: form(names, withCsrf) }),
      () => ({ type: 'application/x-www-form-urlencoded; charset=iso-8859-1', text: form(names, withCsrf) }),
      () => ({ type: 'application/json', text: JSON.stringify(Object.fromEntries(names.map((n) => [n, value(n)]))) }),
      () => ({ type: 'multipart/form-data; boundary=x', text: `--x\r\nContent-Disposition: form-data; name="${pick(names)}"\r\n\r\n${garbage()}\r\n--x--\r\n` }),
      () => ({ type: 'text/plain', text: garbage() }),
      () => ({ type: '', text: form(names, withCsrf) }),
    ])();
  }

  function headers(): string[] {
    const lines: string[] = [];
    if (chance(0.3)) lines.push(`Cookie: ${pick([session.cookie, `pairgate-session=${pick(secretValues)}`, `pairgate-session=${garbage()}`, `pairgate-pre=${garbage()}; ${'a=b; '.repeat(50)}`])}`);
    if (chance(0.3)) {
      lines.push(
        `Authorization: ${pick([
          `Bearer ${secrets.accessToken}`,
          `Bearer ${pick(secretValues)}x`,
          `Bearer ${garbage()}`,
          `Basic ${Buffer.from(`tv-kiosk:${secrets.clientSecret}`).toString('base64')}`,
          `Basic ${Buffer.from(garbage()).toString('base64')}`,
          'Basic !!!',
          'Bearer',
          `DPoP ${secrets.accessToken}`,
        ])}`,
      );
    }
    if (chance(0.15)) lines.push(`X-Forwarded-For: ${pick(['203.0.113.9', '::ffff:1.2.3.4', garbage(), '1.1.1.1, 2.2.2.2'])}`);
    if (chance(0.05)) lines.push(`X-Pairgate-Client-Ip: 198.51.100.1`);
    if (chance(0.05)) lines.push(`Origin: https://evil.example`);
    if (chance(0.03)) lines.push(`X-Big: ${'h'.repeat(20_000)}`); // past Node's 16 KiB header limit: 431
    if (chance(0.03)) for (let i = 0; i < 120; i++) lines.push(`X-Many-${i}: ${i}`);
    if (chance(0.02)) lines.push('Bad Header: no spaces allowed in names');
    if (chance(0.02)) lines.push(`Content-Security-Policy: ${garbage()}`);
    return lines;
  }

  function target(): string {
    if (chance(0.1)) {
      return pick(['*', 'http://portal.test/oauth/token', 'oauth/token', '/%2e%2e/%2e%2e/oauth/token', '//evil.example/login', `/${'a/'.repeat(3000)}`, '/activate?%%%', '/login?next=/..//evil.example', '/\\evil.example']);
    }
    const path = pick([...GETS, ...Object.keys(OAUTH_POSTS), ...Object.keys(FORMS)]);
    if (!path.endsWith('?') && !path.endsWith('=')) return chance(0.3) ? `${path}?${garbage().slice(0, 200)}=${percentEncode(garbage().slice(0, 200))}` : path;
    return `${path}${percentEncode(path.endsWith('=') ? garbage() : form(OAUTH_POSTS['/oauth/authorize'] ?? [], false))}`;
  }

  function httpCase(): FuzzCase {
    const method = chance(0.5) ? 'POST' : pick(METHODS);
    const path = target();
    const pathname = path.split('?')[0] ?? '';
    const names = OAUTH_POSTS[pathname] ?? FORMS[pathname] ?? ['x', 'y'];
    const withCsrf = Object.hasOwn(FORMS, pathname) && pathname !== '/logout' && chance(0.5);
    const { type, text } = method === 'GET' || method === 'HEAD' ? { type: '', text: chance(0.05) ? garbage() : '' } : body(names, withCsrf);
    const cookie = withCsrf ? [`Cookie: ${session.cookie}`] : [];
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: portal.test', ...cookie, ...headers()];
    if (type) lines.push(`Content-Type: ${type}`);
    let payload = Buffer.from(text, 'utf8');
    let cutAfterMs: number | undefined;
    const framing = random();
    if (framing < 0.01) payload = Buffer.alloc(80 * 1024, 'a'); // over every body limit
    if (framing < 0.15) {
      // Chunked, sometimes with broken chunk sizes or no end.
      const broken = chance(0.2);
      const unterminated = chance(0.1);
      const chunked = Buffer.concat([Buffer.from(`${broken ? 'zz' : payload.length.toString(16)}\r\n`), payload, Buffer.from(unterminated ? '\r\n' : '\r\n0\r\n\r\n')]);
      if (unterminated && !broken) cutAfterMs = 300;
      lines.push('Transfer-Encoding: chunked');
      if (chance(0.1)) lines.push(`Content-Length: ${payload.length}`); // both: RFC 9112 §6.1 smuggling guard
      payload = chunked;
    } else if (framing < 0.18) {
      lines.push(`Content-Length: ${payload.length + 10}`); // promises more than it sends
      cutAfterMs = 300;
    } else if (framing < 0.2) {
      lines.push(`Content-Length: ${pick(['-1', 'abc', '1e3', `${payload.length}, ${payload.length + 1}`])}`);
    } else if (payload.length > 0 || method === 'POST') {
      lines.push(`Content-Length: ${payload.length}`);
    }
    if (chance(0.02)) lines[0] = pick(['GET / HTTP/2.0', 'GET / HTTP/1.0', 'GET /', 'GARBAGE', '\u0000\u0001\u0002', 'GET  /  HTTP/1.1', `GET /${'x'.repeat(70_000)} HTTP/1.1`]);
    lines.push('Connection: close');
    let bytes = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
    // Pipelined after the first: the server must answer the first and ignore the rest after close.
    if (chance(0.03)) bytes = Buffer.concat([Buffer.from('GET /healthz HTTP/1.1\r\nHost: portal.test\r\n\r\n'), bytes]);
    return { kind: 'http', label: `${method} ${pathname.slice(0, 40)}`, bytes, ...(cutAfterMs === undefined ? {} : { cutAfterMs }) };
  }

  function wsCase(): FuzzCase {
    const key = Buffer.from(Array.from({ length: 16 }, () => Math.floor(random() * 256))).toString('base64');
    const headerSets = [
      [`Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13'],
      ['Sec-WebSocket-Version: 13'],
      [`Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 8'],
      [`Sec-WebSocket-Key: not-base64!`, 'Sec-WebSocket-Version: 13'],
      [`Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'],
    ];
    const path = chance(0.85) ? '/oauth/device/events' : pick(['/oauth/device/events?device_code=x', '/', '/_next/webpack-hmr', '/oauth/token', '*']);
    const method = chance(0.95) ? 'GET' : 'POST';
    const handshake = Buffer.from(
      [`${method} ${path} HTTP/1.1`, 'Host: portal.test', `Upgrade: ${chance(0.95) ? 'websocket' : 'h2c'}`, 'Connection: Upgrade', ...(chance(0.85) ? headerSets[0]! : pick(headerSets)), '', ''].join('\r\n'),
      'latin1',
    );
    const frames = Array.from({ length: 1 + Math.floor(random() * 3) }, () => frame());
    return { kind: 'ws', label: `WS ${path.slice(0, 30)}`, handshake, frames };
  }

  /** A client frame (RFC 6455 §5.2): mostly well-formed with bad content, some malformed. */
  function frame(): Buffer {
    const subscribe = (deviceCode: string) => JSON.stringify({ type: 'subscribe', device_code: deviceCode });
    const text = pick([
      () => subscribe(secrets.deviceCode),
      () => JSON.stringify({ type: 'watch', access_token: pick([secrets.accessToken, secrets.refreshToken, garbage()]) }),
      () => subscribe(garbage()),
      () => subscribe('x'.repeat(MAX_PUSH_MESSAGE_LENGTH)), // oversized: 1009
      () => JSON.stringify({ type: 'status', status: 'approved' }),
      () => garbage(),
      () => '{"type":"subscribe"',
      () => 'null',
    ])();
    const kind = random();
    if (kind < 0.7) return masked(0x81, Buffer.from(text, 'utf8'));
    if (kind < 0.75) return masked(0x82, Buffer.from(text, 'utf8')); // binary
    if (kind < 0.8) return masked(0x89, Buffer.alloc(200)); // a ping too long for a control frame
    if (kind < 0.85) return Buffer.concat([Buffer.from([0x81, text.length & 0x7f]), Buffer.from(text).subarray(0, 125)]); // unmasked
    if (kind < 0.9) return masked(0x0f, Buffer.from('reserved opcode'));
    if (kind < 0.95) return Buffer.from([0xf1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]); // RSV bits, 2^64-1 length
    return masked(0x88, Buffer.from([0x03, 0xe8, 0xff])); // close with an invalid UTF-8 reason
  }

  return { next: (): FuzzCase => (chance(0.1) ? wsCase() : httpCase()) };
}

function masked(firstByte: number, payload: Buffer): Buffer {
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const data = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  const length = payload.length;
  const head = length < 126 ? Buffer.from([firstByte, 0x80 | length]) : Buffer.from([firstByte, 0x80 | 126, length >> 8, length & 0xff]);
  return Buffer.concat([head, mask, data]);
}

/** Percent-encodes UTF-8 bytes (a lone surrogate too, which `encodeURIComponent` refuses). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0')}`)).join('');
}
