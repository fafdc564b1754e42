/**
 * The authorization endpoint's legacy flows in-process: implicit (OIDC Core §3.2) and hybrid
 * (§3.3), answered by OAuth 2.0 Form Post Response Mode only, each off unless the client enables
 * it; and a confidential web app that must use PKCE (`requirePkce`).
 */
import { createHash } from 'node:crypto';
import { computeCodeChallenge, generateCodeVerifier, GrantType } from '@pairgate/shared';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../crypto/hash';
import { CONFIDENTIAL_SECRET, createTestCore, ISSUER } from '../test-support';

let t: Awaited<ReturnType<typeof createTestCore>>;
const REDIRECT = 'https://legacy.example/cb';
const API = 'https://api.example/devices';

beforeEach(async () => {
  t = await createTestCore();
  await t.store.upsertClient({
    clientId: 'legacy', name: 'Legacy "web" <app>', type: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic', secretHash: hashSecret(CONFIDENTIAL_SECRET),
    grantTypes: [GrantType.AuthorizationCode, GrantType.RefreshToken], redirectUris: [REDIRECT], scopes: ['openid', 'profile', 'email', 'offline_access'], firstParty: true, createdAt: t.clock.now,
    responseTypes: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'], allowedAudiences: [API],
  });
});
afterEach(() => t.close());

const basic = `Basic ${btoa(`legacy:${CONFIDENTIAL_SECRET}`)}`;

function query(over: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    response_type: 'id_token', response_mode: 'form_post', client_id: 'legacy', redirect_uri: REDIRECT, scope: 'openid email', state: 'st-<&"\'>', nonce: 'n-1', ...over,
  };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return q.toString();
}

/** The form-post page: its target and the (unescaped) fields, as a browser would submit them. */
function formPost(html: string): { action: string; fields: Record<string, string> } {
  const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  const action = unescape(/<form method="post" action="([^"]*)"/.exec(html)?.[1] ?? '');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescape(m[1]!)] = unescape(m[2]!);
  return { action, fields };
}

async function authorize(over: Record<string, string | undefined> = {}, cookie: string | undefined = t.signIn().cookie) {
  const r = await t.get(`/oauth/authorize?${query(over)}`, cookie ? { cookie } : {});
  return { ...r, ...formPost(r.text) };
}

const leftHalf = (s: string) => createHash('sha256').update(s, 'ascii').digest().subarray(0, 16).toString('base64url');

async function verifyIdToken(idToken: string) {
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(await t.core.keys.jwks()), { issuer: ISSUER, audience: 'legacy', currentDate: new Date(t.clock.now) });
  return payload;
}

describe('form post page (OAuth 2.0 Form Post Response Mode §2, §5)', () => {
  it('POSTs every value, escaped, to the redirect URI; CSP nonce for its one script, form-action the app only; no-store, no-referrer; a Continue button', async () => {
    const r = await authorize();
    expect(r.status).toBe(200);
    expect(r.headers.get('location')).toBeNull();
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    const csp = r.headers.get('content-security-policy')!;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('form-action https://legacy.example;');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.text.match(/<script/g)).toHaveLength(1);
    expect(r.text).toContain(`<script nonce="${nonce}">`);
    expect(r.text).toMatch(/<button type="submit">Continue<\/button>/);
    // The state with markup in it is escaped in the page and arrives intact.
    expect(r.text).not.toContain('st-<&');
    expect(r.action).toBe(REDIRECT);
    expect(Object.keys(r.fields)).toEqual(['id_token', 'state', 'iss']);
    expect(r.fields).toMatchObject({ state: 'st-<&"\'>', iss: ISSUER });
  });
});

describe('implicit (OIDC Core §3.2) by form post', () => {
  it('id_token: an ID token with the nonce and no at_hash; its sign-in is a grant of its own', async () => {
    const r = await authorize();
    const claims = await verifyIdToken(r.fields.id_token!);
    expect(claims).toMatchObject({ sub: t.user.id, nonce: 'n-1', email: 'ada@example.com' });
    expect(claims.at_hash).toBeUndefined();
    expect(claims.c_hash).toBeUndefined();
    const grant = await t.store.findGrant(claims.sid as string);
    expect(grant).toMatchObject({ clientId: 'legacy', userId: t.user.id, scope: 'openid email', revokedAt: null });
  });

  it('id_token token: an access token (for userinfo and the client’s APIs) with at_hash; offline_access is ignored (§11)', async () => {
    const r = await authorize({ response_type: 'token id_token', scope: 'openid profile offline_access' });
    expect(Object.keys(r.fields)).toEqual(['access_token', 'token_type', 'expires_in', 'scope', 'id_token', 'state', 'iss']);
    expect(r.fields).toMatchObject({ token_type: 'Bearer', expires_in: '600', scope: 'openid profile' });
    const claims = await verifyIdToken(r.fields.id_token!);
    expect(claims.at_hash).toBe(leftHalf(r.fields.access_token!));
    expect(decodeJwt(r.fields.access_token!)).toMatchObject({ aud: [ISSUER, API], sub: t.user.id, sid: claims.sid, scope: 'openid profile' });
    const info = await t.get('/userinfo', { authorization: `Bearer ${r.fields.access_token}` });
    expect(info.body).toMatchObject({ sub: t.user.id, name: 'Ada' });
  });

  it('refuses, by form post with state and iss: no nonce, no openid, query or fragment mode, no response_mode', async () => {
    for (const [over, description] of [
      [{ nonce: undefined }, /nonce/],
      [{ scope: 'profile' }, /openid/],
      [{ response_mode: 'query' }, /form_post/],
      [{ response_mode: 'fragment' }, /form_post/],
      [{ response_mode: undefined }, /form_post/],
      [{ response_type: 'id_token token', response_mode: 'query' }, /form_post/],
    ] as const) {
      const r = await authorize(over);
      expect(r.status, JSON.stringify(over)).toBe(200);
      expect(r.action).toBe(REDIRECT);
      expect(r.fields).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(description), state: 'st-<&"\'>', iss: ISSUER });
      expect(r.fields.id_token).toBeUndefined();
    }
  });

  it('a client that has not enabled it → unauthorized_client; token alone → unsupported_response_type', async () => {
    const client = (await t.store.findClient('legacy'))!;
    await t.store.upsertClient({ ...client, responseTypes: ['code', 'id_token'] });
    expect((await authorize({ response_type: 'id_token token' })).fields.error).toBe('unauthorized_client');
    expect((await authorize({ response_type: 'code id_token' })).fields.error).toBe('unauthorized_client');
    expect((await authorize({ response_type: 'id_token' })).fields.id_token).toBeTruthy();
    // RFC 9700 §2.1.2: plain OAuth implicit is not offered at all (answered by query: no form-post type).
    const token = await t.get(`/oauth/authorize?${query({ response_type: 'token', response_mode: undefined })}`, { cookie: t.signIn().cookie });
    expect(new URL(token.headers.get('location')!).searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('an unknown client or redirect URI still gets the error page, never a form post', async () => {
    const r = await authorize({ redirect_uri: 'https://evil.example/cb' });
    expect(r.status).toBe(400);
    expect(r.text).toContain('data-authorization-error="bad-redirect-uri"');
    expect(r.text).not.toContain('<form');
  });

  it('prompt=none without a session → login_required by form post; signed out → the sign-in page first', async () => {
    const none = await authorize({ prompt: 'none' }, '');
    expect(none.fields).toMatchObject({ error: 'login_required', iss: ISSUER });
    const login = await authorize({}, '');
    expect(login.status).toBe(303);
    expect(new URL(login.headers.get('location')!, ISSUER).pathname).toBe('/login');
  });
});

describe('hybrid (OIDC Core §3.3) by form post', () => {
  it('code id_token: c_hash; the code redeems at the token endpoint (authenticated), whose ID token has no c_hash', async () => {
    const r = await authorize({ response_type: 'id_token code', scope: 'openid offline_access' });
    expect(Object.keys(r.fields)).toEqual(['code', 'id_token', 'state', 'iss']);
    const claims = await verifyIdToken(r.fields.id_token!);
    expect(claims).toMatchObject({ nonce: 'n-1', c_hash: leftHalf(r.fields.code!) });
    expect(claims.at_hash).toBeUndefined();

    const token = await t.post('/oauth/token', { grant_type: 'authorization_code', code: r.fields.code!, redirect_uri: REDIRECT }, { authorization: basic });
    expect(token.status).toBe(200);
    expect(token.body.refresh_token).toBeTypeOf('string');
    const back = await verifyIdToken(token.body.id_token as string);
    expect(back).toMatchObject({ nonce: 'n-1', sid: claims.sid, at_hash: leftHalf(token.body.access_token as string) });
    expect(back.c_hash).toBeUndefined();
  });

  it('code token and code id_token token: the access token belongs to the code’s grant, honoured once the code is redeemed', async () => {
    const ct = await authorize({ response_type: 'code token', scope: 'openid' });
    expect(Object.keys(ct.fields)).toEqual(['code', 'access_token', 'token_type', 'expires_in', 'scope', 'state', 'iss']);

    const all = await authorize({ response_type: 'code id_token token' });
    const claims = await verifyIdToken(all.fields.id_token!);
    expect(claims).toMatchObject({ c_hash: leftHalf(all.fields.code!), at_hash: leftHalf(all.fields.access_token!) });
    expect(decodeJwt(all.fields.access_token!).sid).toBe(claims.sid);
    const bearer = { authorization: `Bearer ${all.fields.access_token}` };
    expect((await t.get('/userinfo', bearer)).status).toBe(401);
    expect((await t.post('/oauth/token', { grant_type: 'authorization_code', code: all.fields.code!, redirect_uri: REDIRECT }, { authorization: basic })).status).toBe(200);
    expect((await t.get('/userinfo', bearer)).status).toBe(200);
  });

  it('requires the nonce; a missing client authentication at the token endpoint is invalid_client', async () => {
    expect((await authorize({ response_type: 'code id_token', nonce: undefined })).fields.error).toBe('invalid_request');
    const r = await authorize({ response_type: 'code id_token' });
    const noAuth = await t.post('/oauth/token', { grant_type: 'authorization_code', code: r.fields.code!, redirect_uri: REDIRECT, client_id: 'legacy' });
    expect(noAuth.body.error).toBe('invalid_client');
  });
});

describe('code by form post, and confidential web apps with requirePkce', () => {
  it('response_type=code may ask for form_post: the code is POSTed, not put in a URL', async () => {
    const r = await authorize({ response_type: 'code', nonce: undefined });
    expect(Object.keys(r.fields)).toEqual(['code', 'state', 'iss']);
    expect((await t.store.findAuthorizationCode(hashSecret(r.fields.code!)))?.redirectUri).toBe(REDIRECT);
  });

  it('a confidential client without requirePkce may leave PKCE out; with requirePkce it must send it, and the token endpoint checks it', async () => {
    const plain = await t.get(`/oauth/authorize?${query({ response_type: 'code', response_mode: undefined })}`, { cookie: t.signIn().cookie });
    const code = new URL(plain.headers.get('location')!).searchParams.get('code')!;
    expect(code).toBeTruthy();

    await t.store.upsertClient({ ...(await t.store.findClient('legacy'))!, requirePkce: true });
    // The code from before requirePkce was switched on is refused too (RFC 9700 §2.1.1).
    const old = await t.post('/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { authorization: basic });
    // The wire says only that the code is not valid here (the PKCE reason is logged: token.ts).
    expect(old.body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code is not valid for this request.' });

    const missing = await t.get(`/oauth/authorize?${query({ response_type: 'code', response_mode: undefined })}`, { cookie: t.signIn().cookie });
    expect(Object.fromEntries(new URL(missing.headers.get('location')!).searchParams)).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/PKCE/) });

    const verifier = generateCodeVerifier();
    const withPkce = await t.get(`/oauth/authorize?${query({ response_type: 'code', response_mode: undefined, code_challenge: await computeCodeChallenge(verifier), code_challenge_method: 'S256' })}`, { cookie: t.signIn().cookie });
    const pkceCode = new URL(withPkce.headers.get('location')!).searchParams.get('code')!;
    const wrong = await t.post('/oauth/token', { grant_type: 'authorization_code', code: pkceCode, redirect_uri: REDIRECT, code_verifier: generateCodeVerifier() }, { authorization: basic });
    expect(wrong.body.error).toBe('invalid_grant');
    const ok = await t.post('/oauth/token', { grant_type: 'authorization_code', code: pkceCode, redirect_uri: REDIRECT, code_verifier: verifier }, { authorization: basic });
    expect(ok.status).toBe(200);
  });

  it('resource (RFC 8707) at the token endpoint narrows or refuses the access token’s APIs', async () => {
    const code = async () => (await authorize({ response_type: 'code', scope: 'openid' })).fields.code!;
    const token = (extra: Record<string, string>) => t.post('/oauth/token', { grant_type: 'authorization_code', code: '', redirect_uri: REDIRECT, ...extra }, { authorization: basic });
    const all = await token({ code: await code() });
    expect(decodeJwt(all.body.access_token as string).aud).toEqual([ISSUER, API]);
    const one = await token({ code: await code(), resource: API });
    expect(decodeJwt(one.body.access_token as string).aud).toEqual([ISSUER, API]);
    const foreign = await token({ code: await code(), resource: 'https://other.example/' });
    expect(foreign.body.error).toBe('invalid_target');
  });
});

describe('consent for implicit and hybrid requests answers by form post', () => {
  it('Allow → the form post with tokens; Cancel → access_denied by form post', async () => {
    await t.store.upsertClient({ ...(await t.store.findClient('legacy'))!, firstParty: false });
    const session = t.signIn();
    const first = await t.get(`/oauth/authorize?${query({ response_type: 'code id_token' })}`, { cookie: session.cookie });
    const id = new URL(first.headers.get('location')!, ISSUER).searchParams.get('request')!;
    const denied = await t.core.decideAuthorization(id, t.user.id, 'deny');
    expect(denied.ok && formPost(denied.response.html!).fields).toMatchObject({ error: 'access_denied', state: 'st-<&"\'>', iss: ISSUER });

    const second = await t.get(`/oauth/authorize?${query({ response_type: 'code id_token' })}`, { cookie: session.cookie });
    const again = new URL(second.headers.get('location')!, ISSUER).searchParams.get('request')!;
    const allowed = await t.core.decideAuthorization(again, t.user.id, 'allow');
    if (!allowed.ok) throw new Error('not allowed');
    expect(allowed.response.status).toBe(200);
    expect(allowed.response.headers['Content-Security-Policy']).toContain('form-action https://legacy.example');
    const { fields } = formPost(allowed.response.html!);
    expect((await verifyIdToken(fields.id_token!)).c_hash).toBe(leftHalf(fields.code!));
  });
});
