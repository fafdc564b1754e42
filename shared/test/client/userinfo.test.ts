import { describe, expect, it } from 'vitest';
import { InvalidResponseError } from '../../src/client/errors';
import { processUserInfoResponse, userInfoRequest } from '../../src/client/userinfo';
import type { AuthorizationServerMetadata } from '../../src/protocol/metadata';
import { fakeFetch, jsonResponse } from '../helpers/fake-fetch';

const metadata: AuthorizationServerMetadata = { issuer: 'https://id.example.com', userinfo_endpoint: 'https://id.example.com/userinfo' };

describe('userinfo', () => {
  it('GETs with the bearer token in the header, never the URL (RFC 6750 §2.1)', async () => {
    const fetch = fakeFetch(() => jsonResponse({ sub: 'u1' }));
    await userInfoRequest(metadata, 'at-secret', { fetch });
    const call = fetch.calls[0]!;
    expect(call.method).toBe('GET');
    expect(call.url).toBe(metadata.userinfo_endpoint);
    expect(call.url).not.toContain('at-secret');
    expect(call.headers.get('authorization')).toBe('Bearer at-secret');
    expect(call.headers.get('accept')).toBe('application/json');
  });

  it('returns the claims', async () => {
    const claims = { sub: 'u1', name: 'Ada', email: 'ada@example.com', email_verified: true, locale: 'en' };
    expect(await processUserInfoResponse(jsonResponse(claims))).toEqual(claims);
  });

  it('requires sub, and a match with the ID token when given (OIDC Core §5.3.2)', async () => {
    await expect(processUserInfoResponse(jsonResponse({ name: 'Ada' }))).rejects.toBeInstanceOf(InvalidResponseError);
    await expect(processUserInfoResponse(jsonResponse({ sub: 'u2' }), 'u1')).rejects.toThrow(/does not match/);
    expect((await processUserInfoResponse(jsonResponse({ sub: 'u1' }), 'u1')).sub).toBe('u1');
  });

  it('reports an expired token from the WWW-Authenticate challenge', async () => {
    const res = new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
    await expect(processUserInfoResponse(res)).rejects.toMatchObject({ error: 'invalid_token', status: 401 });
  });
});
