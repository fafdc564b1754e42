import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JSONWebKeySet, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyIdToken, type VerifyIdTokenOptions } from '../../src/client/id-token';

const ISSUER = 'https://id.example.com';
const CLIENT_ID = 'desktop-app';
const NOW = 1_800_000_000; // fixed "now" in seconds, so nothing depends on the real clock

let privateKey: CryptoKey;
let jwks: JSONWebKeySet;
let otherKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
  otherKey = (await generateKeyPair('ES256')).privateKey;
});

function sign(claims: JWTPayload, key: CryptoKey = privateKey): Promise<string> {
  return new SignJWT({ iss: ISSUER, aud: CLIENT_ID, sub: 'user-1', iat: NOW - 10, exp: NOW + 300, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .sign(key);
}

function options(extra: Partial<VerifyIdTokenOptions> = {}): VerifyIdTokenOptions {
  return { issuer: ISSUER, clientId: CLIENT_ID, jwks, currentDate: new Date(NOW * 1000), ...extra };
}

describe('verifyIdToken', () => {
  it('returns the typed claims of a valid token', async () => {
    const claims = await verifyIdToken(await sign({ nonce: 'n-1', name: 'Ada' }), options({ nonce: 'n-1' }));
    expect(claims.sub).toBe('user-1');
    expect(claims.name).toBe('Ada');
    expect(claims.iss).toBe(ISSUER);
  });

  it('accepts a jose key getter as well as a JWKS document', async () => {
    const { createLocalJWKSet } = await import('jose');
    expect((await verifyIdToken(await sign({}), options({ jwks: createLocalJWKSet(jwks) }))).sub).toBe('user-1');
  });

  it('rejects a token signed by another key', async () => {
    await expect(verifyIdToken(await sign({}, otherKey), options())).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('rejects the wrong issuer', async () => {
    await expect(verifyIdToken(await sign({ iss: 'https://evil.example' }), options())).rejects.toMatchObject({ claim: 'iss' });
  });

  it('rejects a token for another client', async () => {
    await expect(verifyIdToken(await sign({ aud: 'other-app' }), options())).rejects.toMatchObject({ claim: 'aud' });
  });

  it('rejects an expired token, honouring clockTolerance', async () => {
    const token = await sign({ exp: NOW - 5 });
    await expect(verifyIdToken(token, options())).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    expect((await verifyIdToken(token, options({ clockTolerance: 10 }))).sub).toBe('user-1');
  });

  it('requires sub and iat (OIDC Core §2)', async () => {
    await expect(verifyIdToken(await sign({ sub: undefined }), options())).rejects.toMatchObject({ claim: 'sub', reason: 'missing' });
    await expect(verifyIdToken(await sign({ iat: undefined }), options())).rejects.toMatchObject({ claim: 'iat', reason: 'missing' });
  });

  it('checks the nonce when one was sent', async () => {
    await expect(verifyIdToken(await sign({ nonce: 'other' }), options({ nonce: 'n-1' }))).rejects.toMatchObject({
      claim: 'nonce',
      reason: 'check_failed',
    });
    await expect(verifyIdToken(await sign({}), options({ nonce: 'n-1' }))).rejects.toMatchObject({ claim: 'nonce', reason: 'missing' });
  });

  it('checks azp: required with several audiences, and must be us', async () => {
    await expect(verifyIdToken(await sign({ aud: [CLIENT_ID, 'api'] }), options())).rejects.toMatchObject({ claim: 'azp' });
    await expect(verifyIdToken(await sign({ aud: [CLIENT_ID, 'api'], azp: 'api' }), options())).rejects.toMatchObject({ claim: 'azp' });
    expect((await verifyIdToken(await sign({ aud: [CLIENT_ID, 'api'], azp: CLIENT_ID }), options())).sub).toBe('user-1');
  });

  it('checks auth_time against max_age when requested', async () => {
    await expect(verifyIdToken(await sign({}), options({ maxAgeSeconds: 60 }))).rejects.toMatchObject({ claim: 'auth_time', reason: 'missing' });
    await expect(verifyIdToken(await sign({ auth_time: NOW - 120 }), options({ maxAgeSeconds: 60 }))).rejects.toMatchObject({
      claim: 'auth_time',
      reason: 'check_failed',
    });
    expect((await verifyIdToken(await sign({ auth_time: NOW - 30 }), options({ maxAgeSeconds: 60 }))).auth_time).toBe(NOW - 30);
  });

  it('restricts algorithms when asked', async () => {
    await expect(verifyIdToken(await sign({}), options({ algorithms: ['RS256'] }))).rejects.toMatchObject({
      code: 'ERR_JOSE_ALG_NOT_ALLOWED',
    });
  });
});
