import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../crypto/hash';
import { serveFetch } from '../http/fetch-adapter';
import { createProvider, type Provider } from '../provider';
import { deviceAuthorizationEndpoint } from './device-authorization';
import { createTestCore, ISSUER } from '../test-support';

describe('device authorization endpoint (RFC 8628 §3.1–3.2)', () => {
  let t: Awaited<ReturnType<typeof createTestCore>>;
  beforeEach(async () => (t = await createTestCore()));
  afterEach(() => t.close());

  it('returns a 256-bit device code stored only as a hash, and a formatted user code', async () => {
    const r = await t.post('/oauth/device/code', { client_id: 'tv', scope: 'openid profile', device_name: 'Kitchen\u0007  TV', device_model: 'Stick 2' });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = r.body as Record<string, string | number>;
    expect(Buffer.from(String(body.device_code), 'base64url')).toHaveLength(32);
    expect(body.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(body).toMatchObject({ verification_uri: 'https://pairgate.test/activate', expires_in: 600, interval: 5 });
    expect(body.verification_uri_complete).toBe(`https://pairgate.test/activate?user_code=${body.user_code}`);
    const stored = await t.store.findDeviceCode(hashSecret(String(body.device_code)));
    expect(stored).toMatchObject({ scope: 'openid profile', deviceName: 'Kitchen TV', deviceModel: 'Stick 2', clientIp: '203.0.113.7', status: 'pending' });
    expect(stored?.userCode).toBe(String(body.user_code).replace('-', ''));
    expect(await t.store.findDeviceCode(String(body.device_code))).toBeUndefined();
  });

  it("defaults the scope to the client's and refuses scopes the client may not have", async () => {
    const r = await t.post('/oauth/device/code', { client_id: 'tv' });
    const stored = await t.store.findDeviceCode(hashSecret(String(r.body.device_code)));
    expect(stored?.scope).toBe('openid profile email offline_access');
    expect((await t.post('/oauth/device/code', { client_id: 'tv', scope: 'openid admin' })).body).toEqual({ error: 'invalid_scope', error_description: 'This client may not ask for: admin.' });
    expect((await t.post('/oauth/device/code', { client_id: 'tv', scope: 'openid "bad"' })).body.error).toBe('invalid_scope');
  });

  it('refuses unknown clients, overlong device names and repeated parameters', async () => {
    expect(await t.post('/oauth/device/code', { client_id: 'nobody' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect((await t.post('/oauth/device/code', { client_id: 'tv', device_name: 'x'.repeat(81) })).body.error).toBe('invalid_request');
    const repeated = await t.post('/oauth/device/code', {}, {});
    expect(repeated.body).toEqual({ error: 'invalid_request', error_description: 'The client_id parameter is required.' });
  });

  it('keeps an optional device_id (16–128 visible ASCII characters) only as a hash, and refuses any other', async () => {
    const id = 'kiosk 7f3a9c1e-2b4d-6a80';
    const r = await t.post('/oauth/device/code', { client_id: 'tv', device_id: id });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toContain(id);
    expect((await t.store.findDeviceCode(hashSecret(String(r.body.device_code))))?.deviceIdHash).toBe(hashSecret(id));
    const without = await t.post('/oauth/device/code', { client_id: 'tv' });
    expect((await t.store.findDeviceCode(hashSecret(String(without.body.device_code))))?.deviceIdHash).toBeUndefined();
    for (const bad of ['short-id', 'x'.repeat(129), 'kiosk\u00e9-0123456789abcdef', 'kiosk\n0123456789abcdef']) {
      expect((await t.post('/oauth/device/code', { client_id: 'tv', device_id: bad })).body).toEqual({
        error: 'invalid_request',
        error_description: 'device_id must be 16 to 128 visible ASCII characters.',
      });
    }
  });

  it("uses the client's code lifetime and user-code kind: 9 digits shown XXX-XXX-XXX for number-pad remotes", async () => {
    await t.store.upsertClient({ ...(await t.store.findClient('tv'))!, deviceCodeTtlSeconds: 120, userCodeKind: 'digits' });
    const r = await t.post('/oauth/device/code', { client_id: 'tv' });
    expect(r.body).toMatchObject({ expires_in: 120 });
    expect(r.body.user_code).toMatch(/^[0-9]{3}-[0-9]{3}-[0-9]{3}$/);
    expect(r.body.verification_uri_complete).toBe(`https://pairgate.test/activate?user_code=${String(r.body.user_code)}`);
    const stored = await t.store.findDeviceCode(hashSecret(String(r.body.device_code)));
    expect(stored).toMatchObject({ userCode: String(r.body.user_code).replaceAll('-', ''), expiresAt: t.clock.now + 120_000 });
    // The code a person types (any separators) finds it.
    expect((await t.core.lookupUserCode(String(r.body.user_code).replaceAll('-', ' '))).ok).toBe(true);
  });

  it('gives each live code its own user code', async () => {
    const codes = new Set<string>();
    // From 200 networks, so the per-network issuance limit stays out of the way.
    for (let i = 0; i < 200; i++) codes.add(String((await issueFrom(t, `198.51.${i}.1`)).body.user_code));
    expect(codes.size).toBe(200);
  });
});

/** POST /oauth/device/code from `address` (the test core's `post` always uses one address). */
async function issueFrom(t: { core: Pick<Provider, 'handle'> }, address: string, clientId = 'tv') {
  const request = new Request(`${ISSUER}/oauth/device/code`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId }),
  });
  const response = await serveFetch(t.core.handle, request, address);
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
}

describe('issuance limits (defaults: 30 then 1/s per network, 3,000 then 50/s per client)', () => {
  let t: Awaited<ReturnType<typeof createTestCore>>;
  beforeEach(async () => (t = await createTestCore()));
  afterEach(() => t.close());
  const tooMany = { error: 'temporarily_unavailable', error_description: 'Too many device codes requested; try again later.' };

  it('a network gets a burst of 30, then 429 with Retry-After; one /64 is one network, others are not held up', async () => {
    // Thirty privacy addresses of one IPv6 /64 (RFC 8981): one subject.
    for (let i = 1; i <= 30; i++) expect((await issueFrom(t, `2001:db8:1:2::${i.toString(16)}`)).status).toBe(200);
    const refused = await issueFrom(t, '2001:db8:1:2:aaaa::1');
    expect(refused).toEqual({ status: 429, retryAfter: expect.stringMatching(/^\d+$/), body: tooMany });
    // Another /64 of the same /48, and an IPv4 network, carry on.
    expect((await issueFrom(t, '2001:db8:1:3::1')).status).toBe(200);
    expect((await issueFrom(t, '192.0.2.10')).status).toBe(200);
  });

  it('Retry-After is exact at the window boundary: refused one second before it, served at it', async () => {
    // The clock starts on a window boundary (a whole minute). A burst fills the window at once.
    for (let i = 0; i < 30; i++) expect((await issueFrom(t, '203.0.113.1')).status).toBe(200);
    const refused = await issueFrom(t, '203.0.113.2');
    expect(refused.status).toBe(429);
    const wait = Number(refused.retryAfter);
    // 31 in this 30 s window: the estimate falls under 30 once 31·(1 − s/30) < 30, s > 0.97 s
    // into the next window: 30.97 s from now, so 31 whole seconds.
    expect(wait).toBe(31);

    // Two identical networks: probe one a second early, the other on time (a probe counts).
    for (let i = 0; i < 31; i++) await issueFrom(t, '203.0.114.1');
    const start = t.clock.now;
    t.clock.now = start + (wait - 1) * 1000;
    expect((await issueFrom(t, '203.0.113.3')).status).toBe(429);
    t.clock.now = start + wait * 1000;
    expect((await issueFrom(t, '203.0.114.2')).status).toBe(200);
  });

  it('a refusal is answered, not thrown (no Error and stack trace for each request of a flood), with no-store', async () => {
    const request = { method: 'POST', path: '/oauth/device/code', headers: { 'content-type': 'application/x-www-form-urlencoded' }, query: new URLSearchParams(), form: new URLSearchParams({ client_id: 'tv' }), clientAddress: '203.0.113.9' };
    for (let i = 0; i < 30; i++) expect((await deviceAuthorizationEndpoint(t.core.context, request)).status).toBe(200);
    await expect(deviceAuthorizationEndpoint(t.core.context, request)).resolves.toEqual({
      status: 429,
      headers: { 'Retry-After': expect.stringMatching(/^\d+$/), 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      body: tooMany,
    });
  });

  it('a client gets at most its ceiling from every network together', async () => {
    const core = createProvider({ store: t.store, issuer: ISSUER, settings: { deviceCodesPerClient: 5 }, onUnexpectedError: () => {} });
    try {
      for (let i = 0; i < 5; i++) expect((await issueFrom({ core }, `198.51.${100 + i}.1`)).status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await issueFrom({ core }, `198.51.${110 + i}.1`)).status).toBe(429);
      // Another client is not held up by this one.
      expect((await issueFrom({ core }, '198.51.120.1', 'other-tv')).status).toBe(200);
    } finally {
      core.close();
    }
  });
});

describe('confirm-screen look-ups and decisions', () => {
  let t: Awaited<ReturnType<typeof createTestCore>>;
  beforeEach(async () => (t = await createTestCore()));
  afterEach(() => t.close());

  it('finds a code however it was typed, and lets exactly one decision win', async () => {
    const { user_code } = (await t.post('/oauth/device/code', { client_id: 'tv' })).body as { user_code: string };
    const typed = ` ${user_code.toLowerCase().replace('-', ' ')} `;
    expect((await t.core.lookupUserCode(typed)).ok).toBe(true);
    expect(await t.core.lookupUserCode('BCDF-GHJK')).toEqual({ ok: false, reason: 'unknown' });
    expect(await t.core.lookupUserCode('AEIO-U123')).toEqual({ ok: false, reason: 'unknown' });
    const results = await Promise.all([t.core.approve(typed, t.user.id), t.core.deny(user_code), t.core.approve(user_code, t.user.id)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && (r.reason === 'approved' || r.reason === 'denied'))).toBe(true);
  });

  it("tells the phone when an expired code's device has shown a new code since", async () => {
    const first = (await t.post('/oauth/device/code', { client_id: 'tv', device_name: 'Hall kiosk' })).body as { user_code: string };
    t.clock.advance(600);
    expect(await t.core.approve(first.user_code, t.user.id)).toEqual({ ok: false, reason: 'expired' });
    await t.post('/oauth/device/code', { client_id: 'tv', device_name: 'Hall kiosk' });
    expect(await t.core.approve(first.user_code, t.user.id)).toEqual({ ok: false, reason: 'replaced' });
    expect(await t.core.lookupUserCode(first.user_code)).toEqual({ ok: false, reason: 'replaced' });
  });

  it('publishes the decision to the device event bus', async () => {
    const { user_code, device_code } = (await t.post('/oauth/device/code', { client_id: 'tv' })).body as { user_code: string; device_code: string };
    const events: string[] = [];
    t.core.context.events.subscribe(hashSecret(device_code), (e) => events.push(e));
    await t.core.approve(user_code, t.user.id);
    expect(events).toEqual(['approved']);
  });
});
