/**
 * Operating the portal, end to end: a real portal process with its metrics listener, a device
 * flow over real HTTP (device code → sign-in and Approve/Deny through the portal's forms →
 * token), then a scrape of `/metrics` whose counters must have moved by exactly what was done,
 * and a look at the process's log: JSON lines, one access line per request with its request id,
 * and no code, token, password or cookie anywhere in it.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demo } from '../../src/admin/demo';
import { parseExposition, type Exposition } from '../support/prometheus';
import { freePort, startPortal, type RunningPortal } from '../support/portal';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('operating the portal: logs, request ids, /metrics', () => {
  let portal: RunningPortal;
  let metricsUrl: string;
  let session: string;
  const secrets: string[] = [demo.user.password];

  beforeAll(async () => {
    const metricsPort = await freePort();
    portal = await startPortal({ env: { PAIRGATE_METRICS_PORT: String(metricsPort), LOG_LEVEL: 'info' } });
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    session = await signIn();
  });

  afterAll(async () => {
    await portal?.stop();
  });

  async function scrape(): Promise<Exposition> {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(await response.text());
  }

  function post(path: string, form: Record<string, string>, cookie?: string): Promise<Response> {
    return fetch(`${portal.issuer}${path}`, { method: 'POST', redirect: 'manual', headers: { ...FORM, ...(cookie ? { cookie } : {}) }, body: new URLSearchParams(form) });
  }

  async function csrfOf(path: string, cookie?: string): Promise<{ csrf: string; response: Response }> {
    const response = await fetch(`${portal.issuer}${path}`, { headers: cookie ? { cookie } : {} });
    const csrf = /name="csrf" value="([^"]+)"/.exec(await response.text())?.[1];
    if (!csrf) throw new Error(`no CSRF field on ${path}`);
    return { csrf, response };
  }

  async function signIn(): Promise<string> {
    const { csrf, response } = await csrfOf('/login');
    const pre = response.headers.getSetCookie().find((c) => c.startsWith('pairgate-pre='))!.split(';')[0]!;
    const signedIn = await post('/login', { csrf, email: demo.user.email, password: demo.user.password, next: '/activate' }, pre);
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('pairgate-session='))!.split(';')[0]!;
    secrets.push(cookie.split('=')[1]!);
    return cookie;
  }

  async function deviceCode(): Promise<{ device_code: string; user_code: string }> {
    const response = await post('/oauth/device/code', { client_id: demo.kioskClientId, scope: 'openid profile offline_access' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { device_code: string; user_code: string };
    secrets.push(body.device_code, body.user_code, body.user_code.replace('-', ''));
    return body;
  }

  /** The person's side, through the portal's forms: enter the code, then Approve or Deny. */
  async function decide(userCode: string, decision: 'approve' | 'deny'): Promise<void> {
    const entered = await post('/activate', { csrf: (await csrfOf('/activate', session)).csrf, user_code: userCode }, session);
    expect(entered.status).toBe(303);
    expect(entered.headers.get('location')).toMatch(/\/activate\/confirm$/);
    const decided = await post('/activate/confirm', { csrf: (await csrfOf('/activate/confirm', session)).csrf, user_code: userCode, decision }, session);
    expect(decided.status).toBe(303);
    expect(decided.headers.get('location')).toMatch(/\/activate\/done$/);
  }

  function poll(code: string): Promise<Response> {
    return post('/oauth/token', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: code, client_id: demo.kioskClientId });
  }

  /** Change of a counter between two scrapes (a series not yet there counts as 0). */
  function moved(before: Exposition, after: Exposition, name: string, labels: Record<string, string> = {}): number {
    return (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
  }

  it('is not served on the public port', async () => {
    const response = await fetch(`${portal.issuer}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('pairgate_');
  });

  it('counts a device flow exactly: issued, approved, denied, redeemed, approval → token, requests by route and status', async () => {
    const before = await scrape();

    const approved = await deviceCode();
    const denied = await deviceCode();
    const pending = await deviceCode();
    await decide(approved.user_code, 'approve');
    await decide(denied.user_code, 'deny');
    const tokens = await poll(approved.device_code);
    expect(tokens.status).toBe(200);
    const body = (await tokens.json()) as { access_token: string; refresh_token: string; id_token: string };
    secrets.push(body.access_token, body.refresh_token, body.id_token);
    expect(((await (await poll(denied.device_code)).json()) as { error: string }).error).toBe('access_denied');
    expect(((await (await poll(pending.device_code)).json()) as { error: string }).error).toBe('authorization_pending');

    const after = await scrape();
    const outcome = (name: string) => moved(before, after, 'pairgate_device_codes_total', { outcome: name });
    expect({ issued: outcome('issued'), approved: outcome('approved'), denied: outcome('denied'), expired: outcome('expired'), redeemed: outcome('redeemed') }).toEqual({
      issued: 3,
      approved: 1,
      denied: 1,
      expired: 0,
      redeemed: 1,
    });
    expect(moved(before, after, 'pairgate_device_approval_to_token_seconds_count')).toBe(1);
    const latency = moved(before, after, 'pairgate_device_approval_to_token_seconds_sum');
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(latency).toBeLessThan(60);

    const requests = (route: string, method: string, status: string) => moved(before, after, 'pairgate_http_requests_total', { route, method, status });
    expect(requests('/oauth/device/code', 'POST', '200')).toBe(3);
    expect(requests('/oauth/token', 'POST', '200')).toBe(1);
    expect(requests('/oauth/token', 'POST', '400')).toBe(2); // access_denied and authorization_pending (RFC 8628 §3.5)
    expect(requests('page:activate', 'POST', '303')).toBe(4); // two codes entered, two decisions
    expect(requests('page:activate', 'GET', '200')).toBe(4); // the pages the CSRF tokens came from
    expect(moved(before, after, 'pairgate_http_request_duration_seconds_count', { route: '/oauth/token' })).toBe(3);
    // Route labels are a bounded set: no raw path, no query.
    for (const { labels } of after.series('pairgate_http_requests_total')) expect(labels.route).toMatch(/^(\/[a-z./-]+|page:[a-z]+|assets|other)$/);
    expect(after.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(after.value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('shows the open push channels', async () => {
    const code = await deviceCode();
    expect((await scrape()).value('pairgate_push_channels_open')).toBe(0);
    const ws = new WebSocket(`${portal.issuer.replace('http', 'ws')}/oauth/device/events`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'subscribe', device_code: code.device_code }));
    expect((await scrape()).value('pairgate_push_channels_open')).toBe(1);
    await new Promise((resolve) => {
      ws.once('close', resolve);
      ws.close();
    });
    // The server counts the channel closed once its side of the close handshake is done.
    await vi.waitFor(async () => expect((await scrape()).value('pairgate_push_channels_open')).toBe(0), { timeout: 10_000, interval: 20 });
  });

  it('logs JSON lines: one access line per request, the request id echoed, no secret anywhere', async () => {
    const { user_code: userCode } = await deviceCode();
    // The QR code's link: a code in the query, which must never reach the log.
    const response = await fetch(`${portal.issuer}/activate?user_code=${userCode}`, { redirect: 'manual', headers: { cookie: session, 'user-agent': 'obs-e2e' } });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await response.text();
    const kept = await fetch(`${portal.issuer}/.well-known/openid-configuration`, { headers: { 'x-request-id': 'edge-42' } });
    expect(kept.headers.get('x-request-id')).toBe('edge-42');

    // The access line is written asynchronously when the response closes and reaches us through
    // a pipe: wait for it with a deadline, not a number of tries.
    const accessLine = (id: string) =>
      vi.waitFor(
        () => {
          const line = jsonLines().find((l) => l.msg === 'request' && l.reqId === id);
          if (!line) throw new Error(`no access line for ${id}`);
          return line;
        },
        { timeout: 10_000, interval: 20 },
      );
    expect(await accessLine(requestId!)).toMatchObject({ level: 'info', method: 'GET', path: '/activate', status: response.status, remoteAddress: '127.0.0.1', userAgent: 'obs-e2e' });
    expect(await accessLine('edge-42')).toMatchObject({ method: 'GET', path: '/.well-known/openid-configuration', status: 200 });

    // Everything Pairgate printed is a JSON line, except the line `npm start` waits for (Next.js
    // prints a line of its own at start-up, which is not ours to format).
    const ours = portal
      .output()
      .split('\n')
      .filter((l) => l.startsWith('[pairgate]'));
    expect(ours).toEqual([expect.stringMatching(/^\[pairgate\] portal ready on http:\/\/127\.0\.0\.1:\d+ /)]);
    expect(jsonLines().find((l) => String(l.msg).startsWith('metrics on http://127.0.0.1:'))).toBeDefined();
    const log = portal.output();
    for (const secret of secrets) expect(log).not.toContain(secret);
    expect(log).not.toContain('user_code=');
  });

  function jsonLines(): Record<string, unknown>[] {
    return portal
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
});
