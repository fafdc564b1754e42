import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessToken } from '../../src/resource/verify-access-token';

const ISSUER = 'https://login.example.com';
const API = 'https://api.example.com';

describe('verifyAccessToken (RFC 9068 + RFC 6750)', () => {
  let privateKey: CryptoKey;
  let jwks: { keys: JWK[] };
  const now = Math.floor(Date.UTC(2026, 0, 1) / 1000);
  const currentDate = new Date(now * 1000);

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] };
  });

  function token(over: { typ?: string; aud?: string; exp?: number; scope?: string; iss?: string; omit?: string } = {}) {
    const claims: Record<string, unknown> = { client_id: 'tv', scope: over.scope ?? 'openid devices:read', jti: 'j1' };
    if (over.omit) delete claims[over.omit];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: over.typ ?? 'at+jwt' })
      .setIssuer(over.iss ?? ISSUER)
      .setSubject('user-1')
      .setAudience(over.aud ?? API)
      .setIssuedAt(now - 10)
      .setExpirationTime(over.exp ?? now + 600)
      .sign(privateKey);
  }
  const check = (header: string | undefined, requiredScopes: string[] = ['devices:read']) =>
    verifyAccessToken(header, { issuer: ISSUER, audience: API, jwks, requiredScopes, currentDate });

  it('accepts a valid token and returns its claims and scopes', async () => {
    const result = await check(`Bearer ${await token()}`);
    expect(result.ok && result.claims.sub).toBe('user-1');
    expect(result.ok && result.scopes).toEqual(['openid', 'devices:read']);
  });

  it('challenges a request without a token with no error code (RFC 6750 §3.1)', async () => {
    const result = await check(undefined);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.status).toBe(401);
    expect(result.error.headers['WWW-Authenticate']).toBe(`Bearer realm="${API}"`);
  });

  it('answers invalid_token for expired, foreign-audience, wrong-issuer, wrong-typ, forged and incomplete tokens', async () => {
    const cases = [
      await token({ exp: now - 1 }),
      await token({ aud: 'https://other-api.example.com' }),
      await token({ iss: 'https://evil.example.com' }),
      await token({ typ: 'JWT' }), // an ID token must not pass as an access token
      `${(await token()).slice(0, -6)}AAAAAA`,
      await token({ omit: 'client_id' }),
    ];
    for (const t of cases) {
      const result = await check(`Bearer ${t}`);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.error).toBe('invalid_token');
      expect(result.error.status).toBe(401);
      expect(result.error.headers['WWW-Authenticate']).toMatch(/^Bearer realm="https:\/\/api\.example\.com", error="invalid_token", error_description="[^"]+"$/);
    }
    const expired = await check(`Bearer ${await token({ exp: now - 1 })}`);
    expect(!expired.ok && expired.error.description).toBe('The access token has expired.');
    const foreign = await check(`Bearer ${await token({ aud: 'https://other-api.example.com' })}`);
    expect(!foreign.ok && foreign.error.description).toBe('The access token is not meant for this API.');
  });

  it('answers insufficient_scope (403) naming the scope needed', async () => {
    const result = await check(`Bearer ${await token({ scope: 'openid' })}`, ['devices:read']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.error).toBe('insufficient_scope');
    expect(result.error.status).toBe(403);
    expect(result.error.headers['WWW-Authenticate']).toContain('scope="devices:read"');
  });

  it('answers a malformed Authorization header with invalid_request (400)', async () => {
    for (const header of ['Basic abc', 'Bearer', 'Bearer a b', 'Bearer "quoted"']) {
      const result = await check(header);
      expect(!result.ok && result.error.status).toBe(400);
      expect(!result.ok && result.error.error).toBe('invalid_request');
    }
  });
});
