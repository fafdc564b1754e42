import { describe, expect, it } from 'vitest';
import { buildAuthorizationUrl, type AuthorizationUrlParameters } from '../../src/client/authorization-request';
import type { AuthorizationServerMetadata } from '../../src/protocol/metadata';

const metadata: AuthorizationServerMetadata = { issuer: 'https://id.example.com', authorization_endpoint: 'https://id.example.com/oauth/authorize' };
const params: AuthorizationUrlParameters = {
  redirect_uri: 'http://127.0.0.1:51234/callback',
  scope: 'openid profile offline_access',
  state: 's'.repeat(43),
  nonce: 'n'.repeat(43),
  code_challenge: 'c'.repeat(43),
  code_challenge_method: 'S256',
};

describe('buildAuthorizationUrl', () => {
  it('asks for a code with PKCE S256 and the OIDC parameters (RFC 6749 §4.1.1, RFC 7636 §4.3)', () => {
    const url = buildAuthorizationUrl(metadata, { client_id: 'desktop-app' }, params);
    expect(url.origin + url.pathname).toBe('https://id.example.com/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'desktop-app',
      redirect_uri: 'http://127.0.0.1:51234/callback',
      scope: 'openid profile offline_access',
      state: params.state,
      nonce: params.nonce,
      code_challenge: params.code_challenge,
      code_challenge_method: 'S256',
    });
  });

  it('adds prompt, login_hint and max_age when given', () => {
    const url = buildAuthorizationUrl(metadata, { client_id: 'a' }, { ...params, prompt: 'login', login_hint: 'ada@example.com', max_age: 0 });
    expect(url.searchParams.get('prompt')).toBe('login');
    expect(url.searchParams.get('login_hint')).toBe('ada@example.com');
    expect(url.searchParams.get('max_age')).toBe('0');
  });

  it('keeps the endpoint’s own query, and our parameters are never repeated (RFC 6749 §3.1)', () => {
    const url = buildAuthorizationUrl({ ...metadata, authorization_endpoint: 'https://id.example.com/authorize?tenant=x&state=old' }, { client_id: 'a' }, params);
    expect(url.searchParams.get('tenant')).toBe('x');
    expect(url.searchParams.getAll('state')).toEqual([params.state]);
  });

  it('never sends a client secret', () => {
    const url = buildAuthorizationUrl(metadata, { client_id: 'a', client_secret: 'hush' }, params);
    expect(url.href).not.toContain('hush');
  });

  it('refuses plain PKCE, empty state/nonce/challenge, a bad max_age, and a server without an authorization endpoint', () => {
    expect(() => buildAuthorizationUrl(metadata, { client_id: 'a' }, { ...params, code_challenge_method: 'plain' as 'S256' })).toThrow(/S256/);
    for (const name of ['state', 'nonce', 'code_challenge'] as const) {
      expect(() => buildAuthorizationUrl(metadata, { client_id: 'a' }, { ...params, [name]: '' })).toThrow(name);
    }
    expect(() => buildAuthorizationUrl(metadata, { client_id: 'a' }, { ...params, max_age: -1 })).toThrow(/max_age/);
    expect(() => buildAuthorizationUrl({ issuer: metadata.issuer }, { client_id: 'a' }, params)).toThrow(/authorization_endpoint/);
  });
});
