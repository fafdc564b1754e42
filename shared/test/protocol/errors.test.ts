import { describe, expect, it } from 'vitest';
import { OAuthError, isOAuthError, isOAuthErrorCode, oauthError, toErrorResponse } from '../../src/protocol/errors';

describe('OAuthError', () => {
  it('carries code, description and a default status per code', () => {
    expect(new OAuthError('invalid_request', 'x').status).toBe(400);
    expect(new OAuthError('invalid_client').status).toBe(401);
    expect(new OAuthError('invalid_token').status).toBe(401);
    expect(new OAuthError('insufficient_scope').status).toBe(403);
    expect(new OAuthError('server_error').status).toBe(500);
    expect(new OAuthError('temporarily_unavailable').status).toBe(503);
    const err = new OAuthError('invalid_grant', 'bad code', { status: 400, cause: { a: 1 } });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('OAuthError');
    expect(err.message).toBe('invalid_grant: bad code');
    expect(err.cause).toEqual({ a: 1 });
  });

  it('has no cause property unless one was given', () => {
    expect('cause' in new OAuthError('invalid_request', 'x')).toBe(false);
  });

  it('serialises to the RFC 6749 §5.2 body, hiding descriptions that may not be exposed', () => {
    expect(new OAuthError('invalid_scope', 'nope').toJSON()).toEqual({ error: 'invalid_scope', error_description: 'nope' });
    expect(new OAuthError('invalid_scope', 'secret detail', { expose: false }).toJSON()).toEqual({ error: 'invalid_scope' });
  });
});

describe('oauthError constructors', () => {
  it('answer the RFC 8628 §3.5 polling errors with HTTP 400', () => {
    for (const err of [oauthError.authorizationPending(), oauthError.slowDown(10), oauthError.accessDenied(), oauthError.expiredToken()]) {
      expect(err.status).toBe(400);
    }
    expect(oauthError.slowDown(10).error).toBe('slow_down');
    expect(oauthError.accessDenied().error).toBe('access_denied');
  });

  it('invalidClient sets a challenge header when given', () => {
    expect(oauthError.invalidClient('bad', 'Basic realm="pairgate"').headers).toEqual({ 'WWW-Authenticate': 'Basic realm="pairgate"' });
    expect(oauthError.invalidClient('bad').headers).toEqual({});
  });

  it('invalidToken cannot break or inject into WWW-Authenticate', () => {
    const header = oauthError.invalidToken('bad "token"\r\nSet-Cookie: x=1 \\ é').headers['WWW-Authenticate'];
    expect(header).toBe('Bearer error="invalid_token", error_description="bad tokenSet-Cookie: x=1  "');
  });
});

describe('toErrorResponse', () => {
  it('keeps an OAuthError as it is', () => {
    const res = toErrorResponse(oauthError.invalidClient('unknown client', 'Basic realm="x"'));
    expect(res).toEqual({
      status: 401,
      headers: { 'WWW-Authenticate': 'Basic realm="x"' },
      body: { error: 'invalid_client', error_description: 'unknown client' },
    });
  });

  it('turns anything else into server_error without internals', () => {
    for (const thrown of [new Error('SELECT * FROM secrets failed at db.ts:42'), 'a string', { password: 'hunter2' }, undefined, null]) {
      const res = toErrorResponse(thrown);
      expect(res.status).toBe(500);
      expect(res.body.error).toBe('server_error');
      const wire = JSON.stringify(res);
      expect(wire).not.toContain('SELECT');
      expect(wire).not.toContain('db.ts');
      expect(wire).not.toContain('hunter2');
      expect(wire).not.toContain('a string');
    }
  });

  it('returns a copy of the headers', () => {
    const err = oauthError.invalidClient('x', 'Basic');
    toErrorResponse(err).headers.Extra = '1';
    expect(err.headers).toEqual({ 'WWW-Authenticate': 'Basic' });
  });
});

describe('isOAuthError / isOAuthErrorCode', () => {
  it('narrows by class and optional code', () => {
    const err = oauthError.invalidGrant('x');
    expect(isOAuthError(err)).toBe(true);
    expect(isOAuthError(err, 'invalid_grant')).toBe(true);
    expect(isOAuthError(err, 'invalid_client')).toBe(false);
    expect(isOAuthError(new Error('invalid_grant'))).toBe(false);
  });

  it('knows the RFC codes and nothing else', () => {
    expect(isOAuthErrorCode('authorization_pending')).toBe(true);
    expect(isOAuthErrorCode('interaction_required')).toBe(true);
    expect(isOAuthErrorCode('toString')).toBe(false);
    expect(isOAuthErrorCode('made_up')).toBe(false);
    expect(isOAuthErrorCode(42)).toBe(false);
  });
});
