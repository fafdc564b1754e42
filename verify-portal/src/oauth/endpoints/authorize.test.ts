/**
 * The authorization endpoint in-process (RFC 6749 §4.1, RFC 7636, RFC 9207, OIDC Core §3.1.2),
 * with the fake portal session of `createTestCore`.
 */
import { computeCodeChallenge, generateCodeVerifier } from '@pairgate/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../crypto/hash';
import { createTestCore, ISSUER } from '../test-support';

let t: Awaited<ReturnType<typeof createTestCore>>;
beforeEach(async () => (t = await createTestCore()));
afterEach(() => t.close());

const verifier = generateCodeVerifier();
const challenge = await computeCodeChallenge(verifier);

function query(over: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: 'desktop',
    redirect_uri: 'http://127.0.0.1:51000/callback',
    scope: 'openid profile offline_access',
    state: 'st-123',
    nonce: 'n-456',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...over,
  };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return q.toString();
}

async function authorize(over: Record<string, string | undefined> = {}, cookie?: string) {
  const r = await t.get(`/oauth/authorize?${query(over)}`, cookie ? { cookie } : {});
  const location = r.headers.get('location');
  return { ...r, location, url: location ? new URL(location, ISSUER) : undefined };
}

describe('authorization endpoint: untrusted client or redirect URI (RFC 6749 §4.1.2.1)', () => {
  it.each([
    ['an unknown client', { client_id: 'nobody' }, 'unknown-client'],
    ['no client', { client_id: undefined }, 'missing-client'],
    ['no redirect_uri', { redirect_uri: undefined }, 'missing-redirect-uri'],
    ['an unregistered redirect URI', { redirect_uri: 'https://evil.example/cb' }, 'bad-redirect-uri'],
    ['another path on loopback', { redirect_uri: 'http://127.0.0.1:51000/other' }, 'bad-redirect-uri'],
    ['localhost instead of the loopback IP (RFC 8252 §8.3)', { redirect_uri: 'http://localhost:51000/callback' }, 'bad-redirect-uri'],
    ['a port on a non-loopback URI', { redirect_uri: 'https://desktop.example:8443/cb?tab=1' }, 'bad-redirect-uri'],
  ])('%s → a 400 page, no redirect', async (_label, over, reason) => {
    const r = await authorize(over, t.signIn().cookie);
    expect(r.status).toBe(400);
    expect(r.location).toBeNull();
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(r.text).toContain(`data-authorization-error="${reason}"`);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('escapes nothing from the request into the page and refuses a repeated client_id', async () => {
    const r = await t.get(`/oauth/authorize?client_id=desktop&client_id=%3Cscript%3E&redirect_uri=x`);
    expect(r.status).toBe(400);
    expect(r.text).not.toContain('<script');
  });
});

describe('authorization endpoint: errors back to the client with state and iss', () => {
  async function error(over: Record<string, string | undefined>) {
    const r = await authorize(over, t.signIn().cookie);
    expect(r.status).toBe(303);
    expect(r.url?.origin + r.url!.pathname).toBe('http://127.0.0.1:51000/callback');
    // RFC 9207 §2 and RFC 6749 §4.1.2.1: iss and the exact state on every error.
    expect(r.url?.searchParams.get('iss')).toBe(ISSUER);
    if (over.state !== null) expect(r.url?.searchParams.get('state')).toBe(over.state ?? 'st-123');
    expect(r.url?.searchParams.get('code')).toBeNull();
    return { error: r.url?.searchParams.get('error'), description: r.url?.searchParams.get('error_description') ?? '' };
  }

  it('PKCE: required for public clients, S256 only (plain and a missing method refused)', async () => {
    expect(await error({ code_challenge: undefined, code_challenge_method: undefined })).toMatchObject({ error: 'invalid_request', description: expect.stringMatching(/PKCE/) });
    expect((await error({ code_challenge_method: 'plain' })).error).toBe('invalid_request');
    expect((await error({ code_challenge_method: undefined })).error).toBe('invalid_request');
    expect((await error({ code_challenge: 'short' })).error).toBe('invalid_request');
  });

  it('response_type: unknown ones unsupported, implicit/hybrid unauthorized unless enabled, code only with the authorization_code grant', async () => {
    // RFC 6749 §4.1.2.1: a type this server never issues vs one this client may not use.
    expect((await error({ response_type: 'token' })).error).toBe('unsupported_response_type');
    expect((await error({ response_type: 'code code' })).error).toBe('unsupported_response_type');
    expect((await error({ response_type: 'code banana' })).error).toBe('unsupported_response_type');
    expect((await error({ response_type: undefined })).error).toBe('invalid_request');
    expect((await error({ response_mode: 'fragment' })).error).toBe('invalid_request');
    await t.store.upsertClient({ ...(await t.store.findClient('desktop'))!, grantTypes: ['refresh_token'] });
    expect((await error({})).error).toBe('unauthorized_client');
  });

  it('scope must be within the client’s', async () => {
    expect((await error({ scope: 'openid admin' })).error).toBe('invalid_scope');
    expect((await error({ scope: undefined })).error).toBe('invalid_scope');
  });

  it('prompt and max_age must be well-formed; repeated parameters are refused', async () => {
    expect((await error({ prompt: 'none login' })).error).toBe('invalid_request');
    expect((await error({ prompt: 'select_account' })).error).toBe('invalid_request');
    expect((await error({ max_age: '-1' })).error).toBe('invalid_request');
    expect((await error({ request: 'eyJ...' })).error).toBe('invalid_request');
    const r = await t.get(`/oauth/authorize?${query()}&scope=openid`, { cookie: t.signIn().cookie });
    expect(new URL(r.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('an error description never carries characters RFC 6749 §4.1.2.1 forbids', async () => {
    const { description } = await error({ prompt: 'x"\\é' });
    expect(description).toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
  });

  it('works without state, and keeps the registered URI’s own query', async () => {
    const r = await authorize({ state: undefined, redirect_uri: 'https://desktop.example/cb?tab=1' }, t.signIn().cookie);
    expect(r.url?.searchParams.get('tab')).toBe('1');
    expect(r.url?.searchParams.has('state')).toBe(false);
    expect(r.url?.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.url?.searchParams.get('iss')).toBe(ISSUER);
  });
});

describe('authorization endpoint: sign-in (OIDC Core §3.1.2.3)', () => {
  it('sends a signed-out person to /login, coming back to the same request with login_hint prefilled', async () => {
    const r = await authorize({ login_hint: 'ada@example.com' });
    expect(r.status).toBe(303);
    expect(r.url?.pathname).toBe('/login');
    expect(r.url?.searchParams.get('login_hint')).toBe('ada@example.com');
    expect(r.url?.searchParams.has('reauth')).toBe(false);
    const next = new URL(r.url!.searchParams.get('next')!, ISSUER);
    expect(next.pathname).toBe('/oauth/authorize');
    expect(Object.fromEntries(next.searchParams)).toEqual(Object.fromEntries(new URLSearchParams(query({ login_hint: 'ada@example.com' }))));
  });

  it('prompt=none without a session → login_required, with state and iss', async () => {
    const r = await authorize({ prompt: 'none' });
    expect(r.url?.origin).toBe('http://127.0.0.1:51000');
    expect(Object.fromEntries(r.url!.searchParams)).toMatchObject({ error: 'login_required', state: 'st-123', iss: ISSUER });
  });

  it('prompt=login asks for the password again and does not come back to prompt=login (no loop)', async () => {
    const r = await authorize({ prompt: 'login consent' }, t.signIn().cookie);
    expect(r.url?.pathname).toBe('/login');
    expect(r.url?.searchParams.get('reauth')).toBe('1');
    const next = new URL(r.url!.searchParams.get('next')!, ISSUER);
    expect(next.searchParams.get('prompt')).toBe('consent');
    const plain = new URL((await authorize({ prompt: 'login' }, t.signIn().cookie)).url!.searchParams.get('next')!, ISSUER);
    expect(plain.searchParams.has('prompt')).toBe(false);
  });

  it('max_age: a sign-in older than allowed asks again (without max_age on the way back); prompt=none then → login_required', async () => {
    const old = t.signIn({ authTime: t.clock.now - 3_600_000 });
    const r = await authorize({ max_age: '600' }, old.cookie);
    expect(r.url?.pathname).toBe('/login');
    expect(r.url?.searchParams.get('reauth')).toBe('1');
    expect(new URL(r.url!.searchParams.get('next')!, ISSUER).searchParams.has('max_age')).toBe(false);
    expect((await authorize({ max_age: '600', prompt: 'none' }, old.cookie)).url?.searchParams.get('error')).toBe('login_required');
    // Recent enough: straight to the code.
    const recent = t.signIn({ authTime: t.clock.now - 60_000 });
    expect((await authorize({ max_age: '600' }, recent.cookie)).url?.searchParams.get('code')).toBeTruthy();
  });

  it('a session of a deleted account counts as signed out', async () => {
    const r = await authorize({}, t.signIn({ userId: 'gone' }).cookie);
    expect(r.url?.pathname).toBe('/login');
  });
});

describe('authorization endpoint: codes and consent', () => {
  it('a first-party client gets a code at once; it is stored hashed with every binding, for 60 s', async () => {
    const session = t.signIn({ authTime: t.clock.now - 5_000 });
    const r = await authorize({}, session.cookie);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const code = r.url!.searchParams.get('code')!;
    expect(Object.fromEntries(r.url!.searchParams)).toEqual({ code, state: 'st-123', iss: ISSUER });
    const stored = await t.store.findAuthorizationCode(hashSecret(code));
    expect(stored).toMatchObject({
      clientId: 'desktop', userId: t.user.id, redirectUri: 'http://127.0.0.1:51000/callback', scope: 'openid profile offline_access',
      nonce: 'n-456', codeChallenge: challenge, authTime: t.clock.now - 5_000, expiresAt: t.clock.now + 60_000, redeemedAt: null,
    });
    expect(await t.store.findAuthorizationCode(code)).toBeUndefined();
  });

  it('accepts the request as a POSTed form too (OIDC Core §3.1.2.1)', async () => {
    const r = await t.post('/oauth/authorize', Object.fromEntries(new URLSearchParams(query())), { cookie: t.signIn().cookie });
    expect(r.status).toBe(303);
    expect(new URL(r.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });

  it('a third-party client goes to the consent screen; prompt=none then → consent_required', async () => {
    const session = t.signIn();
    const over = { client_id: 'third-party', redirect_uri: 'https://photos.example/cb', scope: 'openid profile' };
    const r = await authorize(over, session.cookie);
    expect(r.url?.pathname).toBe('/consent');
    const id = r.url!.searchParams.get('request')!;
    expect(await t.core.pendingAuthorization(id, t.user.id)).toEqual({
      client: { clientId: 'third-party', name: 'Photo Printer' }, scope: ['openid', 'profile'], redirectUri: 'https://photos.example/cb',
    });
    // Only for the person it was made for.
    expect(await t.core.pendingAuthorization(id, 'someone-else')).toBeUndefined();
    expect(await t.core.decideAuthorization(id, 'someone-else', 'allow')).toEqual({ ok: false });

    const none = await authorize({ ...over, prompt: 'none' }, session.cookie);
    expect(Object.fromEntries(none.url!.searchParams)).toMatchObject({ error: 'consent_required', state: 'st-123', iss: ISSUER });
  });

  it('Allow remembers the consent and answers with a code, once; the next request skips the screen', async () => {
    const session = t.signIn();
    const over = { client_id: 'third-party', redirect_uri: 'https://photos.example/cb', scope: 'openid' };
    const id = (await authorize(over, session.cookie)).url!.searchParams.get('request')!;
    const allowed = await t.core.decideAuthorization(id, t.user.id, 'allow');
    expect(allowed.ok).toBe(true);
    const url = new URL(allowed.ok ? allowed.response.headers.Location! : '');
    expect(url.origin + url.pathname).toBe('https://photos.example/cb');
    expect(url.searchParams.get('code')).toBeTruthy();
    expect(url.searchParams.get('state')).toBe('st-123');
    expect(url.searchParams.get('iss')).toBe(ISSUER);
    expect(await t.core.decideAuthorization(id, t.user.id, 'allow')).toEqual({ ok: false });

    expect((await authorize(over, session.cookie)).url?.searchParams.get('code')).toBeTruthy();
    // A wider scope asks again; so does prompt=consent.
    expect((await authorize({ ...over, scope: 'openid profile' }, session.cookie)).url?.pathname).toBe('/consent');
    expect((await authorize({ ...over, prompt: 'consent' }, session.cookie)).url?.pathname).toBe('/consent');
  });

  it('Cancel → access_denied with state and iss; withdrawing a consent asks again and signs the app out', async () => {
    const session = t.signIn();
    const over = { client_id: 'third-party', redirect_uri: 'https://photos.example/cb', scope: 'openid' };
    const first = (await authorize(over, session.cookie)).url!.searchParams.get('request')!;
    const denied = await t.core.decideAuthorization(first, t.user.id, 'deny');
    const url = new URL(denied.ok ? denied.response.headers.Location! : '');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ error: 'access_denied', state: 'st-123', iss: ISSUER });

    const second = (await authorize(over, session.cookie)).url!.searchParams.get('request')!;
    await t.core.decideAuthorization(second, t.user.id, 'allow');
    await t.store.createGrant({ id: 'g-photo', userId: t.user.id, clientId: 'third-party', scope: 'openid', deviceName: null, deviceModel: null, authTime: t.clock.now, createdAt: t.clock.now, lastUsedAt: null, revokedAt: null });
    expect(await t.core.withdrawConsent(t.user.id, 'third-party')).toBe(true);
    expect(await t.core.withdrawConsent(t.user.id, 'third-party')).toBe(false);
    expect((await t.store.findGrant('g-photo'))?.revokedAt).toBe(t.clock.now);
    expect((await authorize(over, session.cookie)).url?.pathname).toBe('/consent');
  });

  it('a pending request expires after 10 minutes', async () => {
    const id = (await authorize({ client_id: 'third-party', redirect_uri: 'https://photos.example/cb', scope: 'openid' }, t.signIn().cookie)).url!.searchParams.get('request')!;
    t.clock.advance(601);
    expect(await t.core.pendingAuthorization(id, t.user.id)).toBeUndefined();
    expect(await t.core.decideAuthorization(id, t.user.id, 'allow')).toEqual({ ok: false });
  });

  it('tells the portal which redirect URI a request answers to, only when it checks out', async () => {
    expect(await t.core.redirectUriOf(new URLSearchParams(query()))).toBe('http://127.0.0.1:51000/callback');
    expect(await t.core.redirectUriOf(new URLSearchParams(query({ redirect_uri: 'https://evil.example/cb' })))).toBeUndefined();
  });
});

describe('authorization endpoint: methods', () => {
  it('answers HEAD with 405, so a link previewer cannot obtain a code', async () => {
    const { serveFetch } = await import('../http/fetch-adapter');
    const response = await serveFetch(t.core.handle, new Request(`${ISSUER}/oauth/authorize?${query()}`, { method: 'HEAD', headers: { cookie: t.signIn().cookie } }), '127.0.0.1');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(response.headers.get('location')).toBeNull();
  });
});
