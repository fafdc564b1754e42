/** The authorization_code grant at the token endpoint (RFC 6749 §4.1.3, RFC 7636 §4.6). */
import { createHash } from 'node:crypto';
import { computeCodeChallenge, generateCodeVerifier } from '@pairgate/shared';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIDENTIAL_SECRET, createTestCore, ISSUER } from '../test-support';

let t: Awaited<ReturnType<typeof createTestCore>>;
beforeEach(async () => (t = await createTestCore()));
afterEach(() => t.close());

const REDIRECT = 'http://127.0.0.1:51000/callback';

async function codeFor(options: { clientId?: string; redirectUri?: string; scope?: string; pkce?: boolean; authTime?: number; nonce?: string } = {}) {
  const verifier = generateCodeVerifier();
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId ?? 'desktop',
    redirect_uri: options.redirectUri ?? REDIRECT,
    scope: options.scope ?? 'openid profile email offline_access',
    state: 's',
    nonce: options.nonce ?? 'nonce-1',
  });
  if (options.pkce !== false) {
    q.set('code_challenge', await computeCodeChallenge(verifier));
    q.set('code_challenge_method', 'S256');
  }
  const r = await t.get(`/oauth/authorize?${q}`, { cookie: t.signIn({ authTime: options.authTime ?? t.clock.now }).cookie });
  const code = new URL(r.headers.get('location')!).searchParams.get('code');
  if (!code) throw new Error(`no code: ${r.headers.get('location')}`);
  return { code, verifier };
}

const exchange = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  t.post('/oauth/token', { grant_type: 'authorization_code', client_id: 'desktop', redirect_uri: REDIRECT, ...form }, headers);

describe('token endpoint: authorization_code grant', () => {
  it('exchanges a code for tokens: ID token with nonce, auth_time and at_hash', async () => {
    const authTime = t.clock.now - 30_000;
    const { code, verifier } = await codeFor({ authTime });
    const r = await exchange({ code, code_verifier: verifier });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email offline_access' });
    const id = decodeJwt(r.body.id_token as string);
    const atHash = createHash('sha256').update(r.body.access_token as string).digest().subarray(0, 16).toString('base64url');
    expect(id).toMatchObject({ iss: ISSUER, aud: 'desktop', sub: t.user.id, nonce: 'nonce-1', auth_time: Math.floor(authTime / 1000), at_hash: atHash, email: t.user.email });
    const userinfo = await t.get('/userinfo', { authorization: `Bearer ${r.body.access_token as string}` });
    expect(userinfo.body).toMatchObject({ sub: t.user.id, name: 'Ada' });
    // The grant is listed like a device's, under the app.
    expect((await t.store.listActiveGrants(t.user.id)).map((g) => g.clientId)).toContain('desktop');
  });

  it('PKCE: a wrong or missing verifier fails (invalid_grant) and leaves the code usable', async () => {
    const { code, verifier } = await codeFor();
    expect((await exchange({ code, code_verifier: generateCodeVerifier() })).body.error).toBe('invalid_grant');
    expect((await exchange({ code, code_verifier: 'short' })).body.error).toBe('invalid_grant');
    expect((await exchange({ code })).body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code is not valid for this request.' });
    expect((await exchange({ code, code_verifier: verifier })).status).toBe(200);
  });

  it('redirect_uri must be the one of the authorization request, exactly (another port is another URI)', async () => {
    const { code, verifier } = await codeFor();
    expect((await exchange({ code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:51001/callback' })).body.error).toBe('invalid_grant');
    const missing = await t.post('/oauth/token', { grant_type: 'authorization_code', client_id: 'desktop', code, code_verifier: verifier });
    expect(missing.body.error).toBe('invalid_grant');
  });

  it('is bound to its client: another client’s code is unknown', async () => {
    const { code, verifier } = await codeFor();
    await t.store.upsertClient({ ...(await t.store.findClient('desktop'))!, clientId: 'desktop-2' });
    expect((await exchange({ code, code_verifier: verifier, client_id: 'desktop-2' })).body).toMatchObject({ error: 'invalid_grant', error_description: 'The authorization code is not valid for this request.' });
    expect((await exchange({ code: 'not-a-code', code_verifier: verifier })).body.error).toBe('invalid_grant');
  });

  it('expires after 60 s', async () => {
    const { code, verifier } = await codeFor();
    t.clock.advance(60);
    expect((await exchange({ code, code_verifier: verifier })).body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code is not valid for this request.' });
  });

  it('a second redemption fails and revokes everything the first one issued (RFC 6749 §4.1.2)', async () => {
    const { code, verifier } = await codeFor();
    const first = await exchange({ code, code_verifier: verifier });
    expect(first.status).toBe(200);
    const again = await exchange({ code, code_verifier: verifier });
    expect(again.body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code is not valid for this request.' });
    const refresh = await t.post('/oauth/token', { grant_type: 'refresh_token', client_id: 'desktop', refresh_token: first.body.refresh_token as string });
    expect(refresh.body.error).toBe('invalid_grant');
    expect((await t.get('/userinfo', { authorization: `Bearer ${first.body.access_token as string}` })).status).toBe(401);
  });

  it('race: of 20 concurrent exchanges exactly one succeeds, and the others, being double uses, revoke what it got', async () => {
    const { code, verifier } = await codeFor();
    const results = await Promise.all(Array.from({ length: 20 }, () => exchange({ code, code_verifier: verifier })));
    // One atomic store step redeems the code: one winner, never none (a code nobody could use) nor two.
    const [winner, ...others] = results.filter((r) => r.status === 200);
    expect(others).toEqual([]);
    expect(winner?.body.access_token).toBeTypeOf('string');
    expect(results.filter((r) => r.status === 400 && r.body.error === 'invalid_grant')).toHaveLength(19);
    // RFC 6749 §4.1.2: a code used twice revokes the tokens issued for it, whichever request came first.
    const refresh = await t.post('/oauth/token', { grant_type: 'refresh_token', client_id: 'desktop', refresh_token: winner!.body.refresh_token as string });
    expect(refresh.body.error).toBe('invalid_grant');
    expect((await t.get('/userinfo', { authorization: `Bearer ${winner!.body.access_token as string}` })).status).toBe(401);
  });

  it('rotates refresh tokens with reuse detection, as for devices (RFC 9700 §4.14.2)', async () => {
    const { code, verifier } = await codeFor();
    const tokens = await exchange({ code, code_verifier: verifier });
    const refresh = (token: string) => t.post('/oauth/token', { grant_type: 'refresh_token', client_id: 'desktop', refresh_token: token });
    const next = await refresh(tokens.body.refresh_token as string);
    expect(next.status).toBe(200);
    expect(next.body.refresh_token).not.toBe(tokens.body.refresh_token);
    expect((await refresh(tokens.body.refresh_token as string)).body.error).toBe('invalid_grant');
    expect((await refresh(next.body.refresh_token as string)).body.error).toBe('invalid_grant');
  });

  it('a confidential client authenticates, may skip PKCE, but cannot add a verifier the code was issued without', async () => {
    const { code } = await codeFor({ clientId: 'web', redirectUri: 'https://web.example/cb', pkce: false });
    const basic = { authorization: `Basic ${Buffer.from(`web:${CONFIDENTIAL_SECRET}`).toString('base64')}` };
    const form = { grant_type: 'authorization_code', code, redirect_uri: 'https://web.example/cb' };
    expect((await t.post('/oauth/token', { ...form, code_verifier: generateCodeVerifier() }, basic)).body.error).toBe('invalid_grant');
    expect((await t.post('/oauth/token', form)).status).toBe(400);
    expect((await t.post('/oauth/token', form, basic)).status).toBe(200);
  });

  it('a client not allowed the grant is unauthorized_client', async () => {
    expect((await t.post('/oauth/token', { grant_type: 'authorization_code', client_id: 'tv', code: 'x' })).body.error).toBe('unauthorized_client');
  });
});
