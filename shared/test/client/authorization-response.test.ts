import { describe, expect, it } from 'vitest';
import { AuthorizationResponseError, validateAuthorizationResponse } from '../../src/client/authorization-response';
import { OAuthError } from '../../src/protocol/errors';
import type { AuthorizationServerMetadata } from '../../src/protocol/metadata';

const issuer = 'https://id.example.com';
const withIss: AuthorizationServerMetadata = { issuer, authorization_response_iss_parameter_supported: true };
const withoutIss: AuthorizationServerMetadata = { issuer };
const state = 'state-0123456789';

function callback(query: Record<string, string> | [string, string][]): URL {
  const url = new URL('http://127.0.0.1:5000/callback');
  url.search = new URLSearchParams(query).toString();
  return url;
}

function refusal(fn: () => unknown): AuthorizationResponseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AuthorizationResponseError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('validateAuthorizationResponse', () => {
  it('returns the code when iss and state match', () => {
    expect(validateAuthorizationResponse(withIss, callback({ code: 'c-1', state, iss: issuer }), { state })).toEqual({ code: 'c-1' });
  });

  it('accepts a response without iss from a server that does not promise one (RFC 9207 §2.4)', () => {
    expect(validateAuthorizationResponse(withoutIss, callback({ code: 'c-1', state }), { state })).toEqual({ code: 'c-1' });
  });

  it('refuses a missing iss when the server advertises it, or when required', () => {
    expect(refusal(() => validateAuthorizationResponse(withIss, callback({ code: 'c-1', state }), { state })).code).toBe('OAUTH_ISS_MISSING');
    expect(refusal(() => validateAuthorizationResponse(withoutIss, callback({ code: 'c-1', state }), { state, requireIss: true })).code).toBe('OAUTH_ISS_MISSING');
  });

  it('refuses another issuer’s iss, even without the metadata flag (mix-up, RFC 9207)', () => {
    for (const metadata of [withIss, withoutIss]) {
      const error = refusal(() => validateAuthorizationResponse(metadata, callback({ code: 'c-1', state, iss: 'https://evil.example' }), { state }));
      expect(error.code).toBe('OAUTH_ISS_MISMATCH');
    }
    // Exact comparison: no trailing-slash or case games.
    expect(refusal(() => validateAuthorizationResponse(withIss, callback({ code: 'c', state, iss: `${issuer}/` }), { state })).code).toBe('OAUTH_ISS_MISMATCH');
  });

  it('refuses a wrong or missing state (RFC 6749 §10.12) — and does not echo the code', () => {
    for (const query of [{ code: 'secret-code', state: 'other', iss: issuer }, { code: 'secret-code', iss: issuer }] as Record<string, string>[]) {
      const error = refusal(() => validateAuthorizationResponse(withIss, callback(query), { state }));
      expect(error.code).toBe('OAUTH_STATE_MISMATCH');
      expect(error.message).not.toContain('secret-code');
    }
  });

  it('does not believe an error whose state is not ours', () => {
    const error = refusal(() => validateAuthorizationResponse(withIss, callback({ error: 'access_denied', state: 'other', iss: issuer }), { state }));
    expect(error.code).toBe('OAUTH_STATE_MISMATCH');
  });

  it('turns an error response into OAuthError with the server’s code (RFC 6749 §4.1.2.1)', () => {
    try {
      validateAuthorizationResponse(withIss, callback({ error: 'access_denied', error_description: 'The person said no', state, iss: issuer }), { state });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(OAuthError);
      expect((error as OAuthError).error).toBe('access_denied');
      expect((error as OAuthError).description).toBe('The person said no');
    }
    try {
      validateAuthorizationResponse(withIss, callback({ error: 'made_up', state, iss: issuer }), { state });
      expect.unreachable();
    } catch (error) {
      expect((error as OAuthError).error).toBe('server_error');
    }
  });

  it('refuses no code, a repeated parameter, and code together with error', () => {
    expect(refusal(() => validateAuthorizationResponse(withIss, callback({ state, iss: issuer }), { state })).code).toBe('OAUTH_INVALID_AUTHORIZATION_RESPONSE');
    expect(
      refusal(() => validateAuthorizationResponse(withIss, callback([['code', 'a'], ['code', 'b'], ['state', state], ['iss', issuer]]), { state })).code,
    ).toBe('OAUTH_INVALID_AUTHORIZATION_RESPONSE');
    expect(
      refusal(() => validateAuthorizationResponse(withIss, callback([['state', state], ['state', state], ['code', 'a'], ['iss', issuer]]), { state })).code,
    ).toBe('OAUTH_INVALID_AUTHORIZATION_RESPONSE');
    expect(refusal(() => validateAuthorizationResponse(withIss, callback({ code: 'a', error: 'access_denied', state, iss: issuer }), { state })).code).toBe(
      'OAUTH_INVALID_AUTHORIZATION_RESPONSE',
    );
  });
});
