/** The client_credentials grant (RFC 6749 §4.4) with RFC 9068 tokens and RFC 8707 resources. */
import { GrantType, verifyAccessToken } from '@pairgate/shared';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../crypto/hash';
import type { ClientRegistration } from '../../store/store';
import { CONFIDENTIAL_SECRET, createTestCore, ISSUER } from '../test-support';

let t: Awaited<ReturnType<typeof createTestCore>>;
const DEVICES_API = 'https://api.example/devices';
const BILLING_API = 'https://billing.example/';
const secret = { client_id: 'svc', client_secret: CONFIDENTIAL_SECRET };

beforeEach(async () => {
  t = await createTestCore();
  const base: Pick<ClientRegistration, 'type' | 'tokenEndpointAuthMethod' | 'secretHash' | 'redirectUris' | 'firstParty' | 'createdAt'> = {
    type: 'confidential', tokenEndpointAuthMethod: 'client_secret_post', secretHash: hashSecret(CONFIDENTIAL_SECRET), redirectUris: [], firstParty: true, createdAt: t.clock.now,
  };
  await t.store.upsertClient({ ...base, clientId: 'svc', name: 'Service', grantTypes: [GrantType.ClientCredentials], scopes: ['devices:read', 'devices:write', 'openid'], allowedAudiences: [DEVICES_API, BILLING_API] });
  await t.store.upsertClient({ ...base, clientId: 'svc-one', name: 'One API', grantTypes: [GrantType.ClientCredentials], scopes: ['devices:read'], allowedAudiences: [DEVICES_API] });
  await t.store.upsertClient({ ...base, clientId: 'svc-none', name: 'No API', grantTypes: [GrantType.ClientCredentials], scopes: ['devices:read'] });
  await t.store.upsertClient({ ...base, clientId: 'public-cc', name: 'Public', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null, grantTypes: [GrantType.ClientCredentials], scopes: [], allowedAudiences: [DEVICES_API] });
});
afterEach(() => t.close());

const cc = (form: Record<string, string>, headers: Record<string, string> = {}) => t.post('/oauth/token', { grant_type: 'client_credentials', ...form }, headers);
/** Repeated parameters (RFC 8707 §2: resource may repeat), which a Record cannot carry. */
async function ccRaw(form: [string, string][]) {
  const { serveFetch } = await import('../http/fetch-adapter');
  const body = new URLSearchParams([['grant_type', 'client_credentials'], ...form]);
  const r = await serveFetch(t.core.handle, new Request(`${ISSUER}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }), '203.0.113.7');
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('token endpoint: client_credentials grant', () => {
  it('issues an RFC 9068 access token for the client itself: sub = client, aud = the API; no refresh or ID token', async () => {
    const r = await cc({ ...secret, audience: DEVICES_API, scope: 'devices:read' });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 600, scope: 'devices:read' });
    // What a resource server checks (shared helper): issuer, audience, typ, expiry, scope.
    const jwks = (await t.get('/.well-known/jwks.json')).body as { keys: [] };
    const check = await verifyAccessToken(`Bearer ${r.body.access_token as string}`, { issuer: ISSUER, audience: DEVICES_API, jwks, requiredScopes: ['devices:read'], currentDate: new Date(t.clock.now) });
    expect(check.ok).toBe(true);
    const claims = decodeJwt(r.body.access_token as string);
    expect(claims).toMatchObject({ iss: ISSUER, sub: 'svc', client_id: 'svc', aud: DEVICES_API, scope: 'devices:read' });
    expect(claims.sid).toBeUndefined();
    expect(claims.auth_time).toBeUndefined();
  });

  it('is not a userinfo token', async () => {
    const r = await cc({ client_id: 'svc-one', client_secret: CONFIDENTIAL_SECRET });
    expect((await t.get('/userinfo', { authorization: `Bearer ${r.body.access_token as string}` })).status).toBe(401);
  });

  it('scopes: the client’s (API) scopes by default; more, or a person’s scopes, are invalid_scope', async () => {
    expect(decodeJwt((await cc({ ...secret, audience: DEVICES_API })).body.access_token as string).scope).toBe('devices:read devices:write');
    expect((await cc({ ...secret, audience: DEVICES_API, scope: 'devices:admin' })).body.error).toBe('invalid_scope');
    expect((await cc({ ...secret, audience: DEVICES_API, scope: 'openid' })).body).toMatchObject({ error: 'invalid_scope', error_description: expect.stringMatching(/person/) });
    expect((await cc({ ...secret, audience: DEVICES_API, scope: 'bad"scope' })).body.error).toBe('invalid_scope');
  });

  it('audience / resource: only the client’s APIs (invalid_target otherwise); the one API by default', async () => {
    expect((await cc({ ...secret, audience: 'https://evil.example/' })).body.error).toBe('invalid_target');
    expect((await cc({ ...secret, resource: 'https://evil.example/' })).body.error).toBe('invalid_target');
    // RFC 8707 §2: absolute URI, no fragment.
    expect((await cc({ ...secret, resource: 'relative/path' })).body.error).toBe('invalid_target');
    expect((await cc({ ...secret, resource: `${DEVICES_API}#frag` })).body.error).toBe('invalid_target');
    expect((await cc({ ...secret, resource: DEVICES_API, audience: DEVICES_API })).body.error).toBe('invalid_request');
    // Several APIs and none named: the client must say which.
    expect((await cc(secret)).body.error).toBe('invalid_target');
    expect((await cc({ client_id: 'svc-none', client_secret: CONFIDENTIAL_SECRET })).body.error).toBe('invalid_target');
    expect(decodeJwt((await cc({ client_id: 'svc-one', client_secret: CONFIDENTIAL_SECRET })).body.access_token as string).aud).toBe(DEVICES_API);
    expect(decodeJwt((await cc({ ...secret, resource: BILLING_API })).body.access_token as string).aud).toBe(BILLING_API);
  });

  it('resource may repeat (RFC 8707 §2): the token is for every one of them', async () => {
    const r = await ccRaw([['client_id', 'svc'], ['client_secret', CONFIDENTIAL_SECRET], ['resource', DEVICES_API], ['resource', BILLING_API]]);
    expect(r.status).toBe(200);
    expect(decodeJwt(r.body.access_token as string).aud).toEqual([DEVICES_API, BILLING_API]);
    const oneBad = await ccRaw([['client_id', 'svc'], ['client_secret', CONFIDENTIAL_SECRET], ['resource', DEVICES_API], ['resource', 'https://evil.example/']]);
    expect(oneBad.body.error).toBe('invalid_target');
  });

  it('only for confidential clients that registered the grant', async () => {
    expect((await cc({ client_id: 'public-cc' })).body.error).toBe('unauthorized_client');
    // A confidential client without the grant.
    expect((await cc({}, { authorization: `Basic ${Buffer.from(`web:${CONFIDENTIAL_SECRET}`).toString('base64')}` })).body.error).toBe('unauthorized_client');
    expect((await cc({ client_id: 'tv' })).body.error).toBe('unauthorized_client');
  });
});
