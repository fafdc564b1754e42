/** Client authentication at the token endpoint (RFC 6749 §2.3, RFC 7523 §2.2 / §3, OIDC Core §9). */
import { GrantType } from '@pairgate/shared';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../crypto/hash';
import { CLIENT_ASSERTION_TYPE } from './client-assertion';
import { CONFIDENTIAL_SECRET, createTestCore, ISSUER } from './test-support';

let t: Awaited<ReturnType<typeof createTestCore>>;
let key: CryptoKey;
let otherKey: CryptoKey;
const API = 'https://api.example/';
const machine = { redirectUris: [], scopes: ['devices:read'], firstParty: true, grantTypes: [GrantType.ClientCredentials], allowedAudiences: [API] };

beforeEach(async () => {
  t = await createTestCore();
  const pair = await generateKeyPair('ES256');
  key = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'svc-1', alg: 'ES256', use: 'sig' };
  await t.store.upsertClient({ ...machine, clientId: 'svc-jwt', name: 'Service (JWT)', type: 'confidential' as const, tokenEndpointAuthMethod: 'private_key_jwt' as const, secretHash: null, jwks: { keys: [jwk] }, createdAt: t.clock.now });
  await t.store.upsertClient({ ...machine, clientId: 'svc-basic', name: 'Service (Basic)', type: 'confidential' as const, tokenEndpointAuthMethod: 'client_secret_basic' as const, secretHash: hashSecret(CONFIDENTIAL_SECRET), createdAt: t.clock.now });
  await t.store.upsertClient({ ...machine, clientId: 'svc-post', name: 'Service (post)', type: 'confidential' as const, tokenEndpointAuthMethod: 'client_secret_post' as const, secretHash: hashSecret(CONFIDENTIAL_SECRET), createdAt: t.clock.now });
});
afterEach(() => t.close());

const nowSeconds = () => Math.floor(t.clock.now / 1000);

/** A client assertion as OIDC Core §9 describes it; `claims` overrides or (undefined) removes. */
async function assertion(claims: Record<string, unknown> = {}, options: { alg?: string; signWith?: CryptoKey | Uint8Array } = {}): Promise<string> {
  const payload: JWTPayload = { iss: 'svc-jwt', sub: 'svc-jwt', aud: ISSUER, jti: crypto.randomUUID(), iat: nowSeconds(), exp: nowSeconds() + 60, ...claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'ES256', kid: 'svc-1' }).sign(options.signWith ?? key);
}

const cc = (form: Record<string, string>, headers: Record<string, string> = {}) => t.post('/oauth/token', { grant_type: 'client_credentials', ...form }, headers);
const jwtAuth = (client_assertion: string, extra: Record<string, string> = {}) => ({ client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion, ...extra });
const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });

describe('client_secret_basic and client_secret_post', () => {
  it('accept the registered method only', async () => {
    expect((await cc({}, basic('svc-basic', CONFIDENTIAL_SECRET))).status).toBe(200);
    expect((await cc({ client_id: 'svc-post', client_secret: CONFIDENTIAL_SECRET })).status).toBe(200);
    // The other method with the right secret is still a failure.
    expect((await cc({ client_id: 'svc-basic', client_secret: CONFIDENTIAL_SECRET })).body.error).toBe('invalid_client');
    const wrongMethod = await cc({}, basic('svc-post', CONFIDENTIAL_SECRET));
    expect(wrongMethod.status).toBe(401);
    expect(wrongMethod.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('refuse a wrong secret, an unknown client and a confidential client without credentials', async () => {
    for (const r of [
      await cc({}, basic('svc-basic', 'wrong')),
      await cc({ client_id: 'svc-post', client_secret: 'wrong' }),
      await cc({ client_id: 'nobody', client_secret: 'x' }),
      await cc({ client_id: 'svc-post' }),
    ]) {
      expect(r.status).toBe(401);
      expect(r.body.error).toBe('invalid_client');
    }
  });

  it('refuse two methods in one request (RFC 6749 §2.3)', async () => {
    const both = await cc({ client_secret: CONFIDENTIAL_SECRET }, basic('svc-basic', CONFIDENTIAL_SECRET));
    expect(both.body.error).toBe('invalid_request');
    const withAssertion = await cc({ client_id: 'svc-post', client_secret: CONFIDENTIAL_SECRET, ...jwtAuth(await assertion()) });
    expect(withAssertion.body.error).toBe('invalid_request');
  });
});

describe('private_key_jwt (RFC 7523 §2.2, OIDC Core §9)', () => {
  it('authenticates with an assertion signed by a registered key, aud = issuer or token endpoint', async () => {
    expect((await cc(jwtAuth(await assertion()))).status).toBe(200);
    expect((await cc(jwtAuth(await assertion({ aud: `${ISSUER}/oauth/token` })))).status).toBe(200);
    expect((await cc(jwtAuth(await assertion({ aud: [ISSUER, 'https://elsewhere.example'] })))).status).toBe(200);
    // client_id may come along if it names the same client.
    expect((await cc(jwtAuth(await assertion(), { client_id: 'svc-jwt' }))).status).toBe(200);
  });

  it('refuses a replayed jti while the assertion is valid, and after it expired as well', async () => {
    const once = await assertion();
    expect((await cc(jwtAuth(once))).status).toBe(200);
    const replay = await cc(jwtAuth(once));
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: 'invalid_client', error_description: expect.stringMatching(/already been used/) });
    // A new assertion reusing the jti is a replay too.
    const sameJti = (await import('jose')).decodeJwt(once).jti as string;
    expect((await cc(jwtAuth(await assertion({ jti: sameJti })))).body.error).toBe('invalid_client');
  });

  it('refuses a wrong audience, an expired or too long-lived assertion, and a missing exp or jti', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ aud: 'https://other-issuer.example' }, /aud/],
      [{ aud: `${ISSUER}/oauth/introspect` }, /aud/],
      [{ iat: nowSeconds() - 600, exp: nowSeconds() - 120 }, /expired/],
      [{ exp: nowSeconds() + 3600 }, /at most 300 seconds/],
      [{ iat: nowSeconds() - 200, exp: nowSeconds() + 200 }, /at most 300 seconds/],
      [{ iat: nowSeconds() + 600, exp: nowSeconds() + 660 }, /future/],
      [{ exp: undefined }, /exp/],
      [{ jti: undefined }, /jti/],
      [{ sub: 'someone-else' }, /iss and sub/],
      [{ iss: 'svc-basic', sub: 'svc-basic' }, /Client authentication failed/],
    ];
    for (const [claims, description] of cases) {
      const r = await cc(jwtAuth(await assertion(claims)));
      expect(r.status, JSON.stringify(claims)).toBe(401);
      expect(r.body, JSON.stringify(claims)).toMatchObject({ error: 'invalid_client', error_description: expect.stringMatching(description) });
    }
  });

  it('refuses HS256, alg none, an unregistered key and a garbled assertion', async () => {
    const hs = await assertion({}, { alg: 'HS256', signWith: new TextEncoder().encode(CONFIDENTIAL_SECRET) });
    expect((await cc(jwtAuth(hs))).body).toMatchObject({ error: 'invalid_client', error_description: expect.stringMatching(/ES256, RS256, PS256, EdDSA/) });
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ iss: 'svc-jwt', sub: 'svc-jwt', aud: ISSUER, jti: 'x', exp: nowSeconds() + 60 })).toString('base64url');
    expect((await cc(jwtAuth(`${header}.${body}.`))).body.error).toBe('invalid_client');
    expect((await cc(jwtAuth(await assertion({}, { signWith: otherKey })))).body.error).toBe('invalid_client');
    for (const garbage of ['not-a-jwt', 'a.b.c', 'x'.repeat(10_000)]) {
      const r = await cc(jwtAuth(garbage));
      expect(r.status).toBe(401);
      expect(r.body.error).toBe('invalid_client');
    }
  });

  it('needs both assertion parameters, the jwt-bearer type and a matching client_id', async () => {
    const a = await assertion();
    expect((await cc({ client_assertion: a })).body.error).toBe('invalid_request');
    expect((await cc({ client_assertion_type: CLIENT_ASSERTION_TYPE })).body.error).toBe('invalid_request');
    expect((await cc({ client_assertion: a, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' })).body.error).toBe('invalid_client');
    expect((await cc(jwtAuth(a, { client_id: 'svc-basic' }))).body.error).toBe('invalid_client');
  });

  it('a private_key_jwt client cannot fall back to a secret or to no authentication', async () => {
    expect((await cc({ client_id: 'svc-jwt' })).status).toBe(401);
    expect((await cc({ client_id: 'svc-jwt', client_secret: 'anything' })).status).toBe(401);
  });

  it('works at the revocation and introspection endpoints too', async () => {
    const token = (await cc(jwtAuth(await assertion()))).body.access_token as string;
    const introspected = await t.post('/oauth/introspect', { token, ...jwtAuth(await assertion()) });
    expect(introspected.body).toMatchObject({ active: true, client_id: 'svc-jwt' });
    expect((await t.post('/oauth/revoke', { token, ...jwtAuth(await assertion()) })).status).toBe(200);
  });
});
