/**
 * The consent and withdraw forms in-process, on a real SQLite `:memory:` store and the real
 * OAuth core (with the portal's own session reader).
 */
import { computeCodeChallenge, generateCodeVerifier, GrantType } from '@pairgate/shared';
import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../crypto/hash';
import { cspSourceFor } from '../../oauth/authorization/form-post';
import { serveFetch } from '../../oauth/http/fetch-adapter';
import { authorizationFormTargets } from '../http/form-targets';
import { ISSUER, T0, usePortal } from '../test-support';

/** A third-party app (so it asks for consent) on a loopback redirect URI (RFC 8252 §7.3: any port). */
const portal = usePortal({
  clients: [{
    clientId: 'photos', name: 'Photo Printer', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null,
    grantTypes: [GrantType.AuthorizationCode], redirectUris: ['http://127.0.0.1/callback'], scopes: ['openid', 'profile'], firstParty: false, createdAt: T0,
  }],
});
const { post, signedIn, sessionData } = portal;

/** GET /oauth/authorize with the session cookie → the pending request id on the consent page. */
async function pendingRequest(cookie: string): Promise<string> {
  const q = new URLSearchParams({
    response_type: 'code', client_id: 'photos', redirect_uri: 'http://127.0.0.1:50123/callback', scope: 'openid profile',
    state: 'st', code_challenge: await computeCodeChallenge(generateCodeVerifier()), code_challenge_method: 'S256',
  });
  const r = await serveFetch(portal.provider.handle, new Request(`${ISSUER}/oauth/authorize?${q}`, { headers: { cookie } }), '127.0.0.1');
  const location = new URL(r.headers.get('location') ?? '', ISSUER);
  expect(location.pathname).toBe('/consent');
  return location.searchParams.get('request') ?? '';
}

describe('POST /consent', () => {
  it('an implicit request (form post): Allow answers with the core’s page, its own CSP, no redirect', async () => {
    const client = (await portal.store.findClient('photos'))!;
    await portal.store.upsertClient({ ...client, responseTypes: ['code', 'id_token'] });
    const s = await signedIn();
    const q = new URLSearchParams({ response_type: 'id_token', response_mode: 'form_post', client_id: 'photos', redirect_uri: 'http://127.0.0.1:50123/callback', scope: 'openid', state: 'st', nonce: 'n' });
    const r = await serveFetch(portal.provider.handle, new Request(`${ISSUER}/oauth/authorize?${q}`, { headers: { cookie: s.cookie } }), '127.0.0.1');
    const request = new URL(r.headers.get('location') ?? '', ISSUER).searchParams.get('request') ?? '';
    const result = await post('/consent', { csrf: s.csrf, request, decision: 'allow' }, s.cookies);
    if (result.kind !== 'document') throw new Error(`expected the form-post page, got ${result.kind}`);
    expect(result.status).toBe(200);
    expect(result.headers['Content-Security-Policy']).toMatch(/form-action http:\/\/127\.0\.0\.1:50123;/);
    expect(result.headers['Cache-Control']).toBe('no-store');
    expect(result.html).toContain('<form method="post" action="http://127.0.0.1:50123/callback"');
    expect(result.html).toMatch(/name="id_token" value="eyJ/);
  });

  it('Allow: 303 to the app with a code, state and iss; the consent is remembered', async () => {
    const s = await signedIn();
    const request = await pendingRequest(s.cookie);
    const result = await post('/consent', { csrf: s.csrf, request, decision: 'allow' }, s.cookies);
    expect(result.kind).toBe('redirect');
    const url = new URL(result.kind === 'redirect' ? result.location : '');
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:50123/callback');
    expect(url.searchParams.get('state')).toBe('st');
    expect(url.searchParams.get('iss')).toBe(ISSUER);
    expect(await portal.store.findAuthorizationCode(hashSecret(url.searchParams.get('code') ?? ''))).toMatchObject({ clientId: 'photos', userId: 'u1' });
    expect(await portal.store.findConsent('u1', 'photos')).toMatchObject({ scope: 'openid profile' });
    // Answered: a second submit lands on the "ended" page.
    expect(await post('/consent', { csrf: s.csrf, request, decision: 'allow' }, s.cookies)).toEqual({ kind: 'redirect', location: `/consent?request=${request}` });
  });

  it('Cancel: access_denied to the app; nothing remembered', async () => {
    const s = await signedIn();
    const request = await pendingRequest(s.cookie);
    const result = await post('/consent', { csrf: s.csrf, request, decision: 'deny' }, s.cookies);
    const url = new URL(result.kind === 'redirect' ? result.location : '');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ error: 'access_denied', state: 'st', iss: ISSUER });
    expect(await portal.store.findConsent('u1', 'photos')).toBeUndefined();
  });

  it('refuses a forged POST (no or another session’s token) and another person’s request', async () => {
    const s = await signedIn();
    const other = await signedIn();
    const request = await pendingRequest(s.cookie);
    expect(await post('/consent', { request, decision: 'allow' }, s.cookies)).toMatchObject({ kind: 'page', status: 403 });
    expect(await post('/consent', { csrf: other.csrf, request, decision: 'allow' }, s.cookies)).toMatchObject({ kind: 'page', status: 403 });
    expect(await post('/consent', { csrf: s.csrf, request, decision: 'maybe' }, s.cookies)).toMatchObject({ kind: 'page', status: 400 });
    expect(await post('/consent', { csrf: s.csrf, request, decision: 'allow' })).toEqual({ kind: 'redirect', location: `/login?next=${encodeURIComponent(`/consent?request=${request}`)}` });
    await portal.store.createUser({ id: 'u2', email: 'bob@example.com', name: 'Bob', passwordHash: 'x', createdAt: T0 });
    const bob = await signedIn('u2');
    expect(await post('/consent', { csrf: bob.csrf, request, decision: 'allow' }, bob.cookies)).toEqual({ kind: 'redirect', location: `/consent?request=${request}` });
    // Still Ada's to answer.
    expect(await portal.provider.pendingAuthorization(request, 'u1')).toBeDefined();
  });
});

describe('POST /account/apps (withdraw)', () => {
  it('withdraws the person’s own consent, signs the app out, and asks again next time', async () => {
    const s = await signedIn();
    await post('/consent', { csrf: s.csrf, request: await pendingRequest(s.cookie), decision: 'allow' }, s.cookies);
    expect(await post('/account/apps', { client_id: 'photos' }, s.cookies)).toMatchObject({ status: 403 });
    expect(await post('/account/apps', { csrf: s.csrf, client_id: 'photos' }, s.cookies)).toEqual({ kind: 'redirect', location: '/account/devices' });
    expect((await sessionData(s.idHash)).flash).toBe('consent-withdrawn');
    expect(await portal.store.findConsent('u1', 'photos')).toBeUndefined();
    await post('/account/apps', { csrf: s.csrf, client_id: 'photos' }, s.cookies);
    expect((await sessionData(s.idHash)).flash).toBe('consent-not-found');
    await pendingRequest(s.cookie); // asks again (expects /consent)
  });
});

describe('CSP form-action for the sign-in and consent pages', () => {
  it('allows the checked redirect URI of the authorization request, nothing for anything else', async () => {
    const s = await signedIn();
    const authorize = `/oauth/authorize?${new URLSearchParams({ client_id: 'photos', redirect_uri: 'http://127.0.0.1:50123/callback' })}`;
    const login = (next: string) => authorizationFormTargets(portal.ctx, '/login', new URLSearchParams({ next }), undefined, portal.now);
    expect(await login(authorize)).toEqual(['http://127.0.0.1:50123']);
    expect(await login(authorize.replace('127.0.0.1', 'evil.example'))).toEqual([]);
    expect(await login('/activate')).toEqual([]);
    const request = await pendingRequest(s.cookie);
    expect(await authorizationFormTargets(portal.ctx, '/consent', new URLSearchParams({ request }), s.cookie, portal.now)).toEqual(['http://127.0.0.1:50123']);
    expect(await authorizationFormTargets(portal.ctx, '/consent', new URLSearchParams({ request }), undefined, portal.now)).toEqual([]);
  });

  it('turns redirect URIs into CSP sources', () => {
    expect(cspSourceFor('https://app.example/cb?x=1')).toBe('https://app.example');
    expect(cspSourceFor('http://[::1]:4000/cb')).toBe('http:');
    expect(cspSourceFor('com.example.app:/callback')).toBe('com.example.app:');
    expect(cspSourceFor('not a uri')).toBeUndefined();
  });
});
