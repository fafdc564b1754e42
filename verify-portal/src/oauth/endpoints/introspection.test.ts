/** RFC 7662 token introspection. */
import { GrantType } from '@pairgate/shared';
import { generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../crypto/hash';
import type { ClientRegistration } from '../../store/store';
import { CONFIDENTIAL_SECRET, createTestCore, ISSUER } from '../test-support';

let t: Awaited<ReturnType<typeof createTestCore>>;
const API = 'https://api.example/';
const rs = { client_id: 'rs', client_secret: CONFIDENTIAL_SECRET };

beforeEach(async () => {
  t = await createTestCore();
  const base: Pick<ClientRegistration, 'type' | 'tokenEndpointAuthMethod' | 'secretHash' | 'redirectUris' | 'firstParty' | 'createdAt'> = {
    type: 'confidential', tokenEndpointAuthMethod: 'client_secret_post', secretHash: hashSecret(CONFIDENTIAL_SECRET), redirectUris: [], firstParty: true, createdAt: t.clock.now,
  };
  await t.store.upsertClient({ ...base, clientId: 'rs', name: 'Resource server', grantTypes: [], scopes: [] });
  await t.store.upsertClient({ ...base, clientId: 'svc', name: 'Service', grantTypes: [GrantType.ClientCredentials], scopes: ['devices:read'], allowedAudiences: [API] });
});
afterEach(() => t.close());

const introspect = (token: string, extra: Record<string, string> = {}, auth: Record<string, string> = rs) => t.post('/oauth/introspect', { token, ...auth, ...extra });

/** A person's tokens through the device flow (client `tv`: public, rotating refresh tokens). */
async function deviceTokens() {
  const code = (await t.post('/oauth/device/code', { client_id: 'tv', scope: 'openid offline_access' })).body as { device_code: string; user_code: string };
  await t.core.approve(code.user_code, t.user.id);
  const r = await t.post('/oauth/token', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: code.device_code, client_id: 'tv' });
  return r.body as { access_token: string; refresh_token: string };
}

describe('introspection endpoint (RFC 7662)', () => {
  it('describes an active access token of a person (§2.2), never cached', async () => {
    const { access_token } = await deviceTokens();
    const r = await introspect(access_token);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const now = Math.floor(t.clock.now / 1000);
    expect(r.body).toEqual({ active: true, scope: 'openid offline_access', client_id: 'tv', sub: t.user.id, exp: now + 600, iat: now, iss: ISSUER, aud: ISSUER, token_type: 'Bearer', jti: expect.any(String) });
  });

  it('describes a client-credentials token (sub = client, aud = the API)', async () => {
    const token = (await t.post('/oauth/token', { grant_type: 'client_credentials', client_id: 'svc', client_secret: CONFIDENTIAL_SECRET })).body.access_token as string;
    expect((await introspect(token)).body).toMatchObject({ active: true, sub: 'svc', client_id: 'svc', aud: API, scope: 'devices:read' });
  });

  it('describes an active refresh token, found by hash, whatever the hint', async () => {
    const { refresh_token } = await deviceTokens();
    for (const hint of [{}, { token_type_hint: 'refresh_token' }, { token_type_hint: 'access_token' }, { token_type_hint: 'something_else' }] as Record<string, string>[]) {
      expect((await introspect(refresh_token, hint)).body).toMatchObject({ active: true, client_id: 'tv', sub: t.user.id, scope: 'openid offline_access', iss: ISSUER });
    }
  });

  it('revoked: a signed-out grant makes both tokens inactive; a rotated refresh token is inactive', async () => {
    const first = await deviceTokens();
    const rotated = await t.post('/oauth/token', { grant_type: 'refresh_token', client_id: 'tv', refresh_token: first.refresh_token });
    expect((await introspect(first.refresh_token)).body).toEqual({ active: false });
    expect((await introspect(rotated.body.refresh_token as string)).body.active).toBe(true);

    const other = await deviceTokens();
    expect((await t.post('/oauth/revoke', { client_id: 'tv', token: other.refresh_token })).status).toBe(200);
    expect((await introspect(other.access_token)).body).toEqual({ active: false });
    expect((await introspect(other.refresh_token)).body).toEqual({ active: false });
  });

  it('expired, foreign, forged and garbage tokens are just inactive', async () => {
    const { access_token, refresh_token } = await deviceTokens();
    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ client_id: 'tv', scope: 'openid', jti: 'j' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .setIssuer('https://other.example').setSubject('x').setAudience(ISSUER).setIssuedAt().setExpirationTime('5m').sign(privateKey);
    const forged = await new SignJWT({ client_id: 'tv', scope: 'openid', jti: 'j' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k' })
      .setIssuer(ISSUER).setSubject(t.user.id).setAudience(ISSUER).setIssuedAt().setExpirationTime('5m').sign(privateKey);
    for (const token of [foreign, forged, 'garbage', 'a.b.c', `${access_token}x`, 'x'.repeat(5000)]) {
      const r = await introspect(token);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ active: false });
    }
    t.clock.advance(601);
    expect((await introspect(access_token)).body).toEqual({ active: false });
    t.clock.advance(30 * 24 * 3600);
    expect((await introspect(refresh_token)).body).toEqual({ active: false });
  });

  it('only for authenticated confidential clients; token is required', async () => {
    const { access_token } = await deviceTokens();
    const publicClient = await introspect(access_token, {}, { client_id: 'tv' });
    expect(publicClient.status).toBe(401);
    expect(publicClient.body.error).toBe('invalid_client');
    expect((await introspect(access_token, {}, {})).body.error).toBe('invalid_request');
    expect((await introspect(access_token, {}, { client_id: 'rs', client_secret: 'wrong' })).status).toBe(401);
    expect((await t.post('/oauth/introspect', rs)).body).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/token/) });
    // RFC 7662 §2.1: POST only, so the token never sits in a URL.
    expect((await t.get(`/oauth/introspect?token=${access_token}`)).status).toBe(405);
  });
});
