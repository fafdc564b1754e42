import { describe, expect, it } from 'vitest';
import { InvalidResponseError } from '../../src/client/errors';
import { isTransient } from '../../src/client/transient';
import { OAuthError } from '../../src/protocol/errors';

describe('isTransient', () => {
  it('an unreachable or busy server is worth retrying later', () => {
    expect(isTransient(new TypeError('fetch failed'))).toBe(true); // WHATWG Fetch network error
    expect(isTransient(new DOMException('timed out', 'TimeoutError'))).toBe(true);
    expect(isTransient(Object.assign(new Error('offline'), { name: 'NetworkError' }))).toBe(true);
    expect(isTransient(new OAuthError('temporarily_unavailable', 'busy', { status: 400 }))).toBe(true);
    expect(isTransient(new OAuthError('server_error', 'oops', { status: 502 }))).toBe(true);
    expect(isTransient(new OAuthError('invalid_request', 'rate limited', { status: 429 }))).toBe(true);
  });

  it('an answer is not: the same request would get it again', () => {
    expect(isTransient(new OAuthError('invalid_client', 'who?', { status: 401 }))).toBe(false);
    expect(isTransient(new OAuthError('invalid_grant', 'gone', { status: 400 }))).toBe(false);
    expect(isTransient(new Error('boom'))).toBe(false);
    expect(isTransient('a string')).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });

  it('a malformed answer is not either', () => {
    expect(isTransient(new InvalidResponseError('not JSON', { status: 200 }))).toBe(false);
  });
});
