import { describe, expect, it } from 'vitest';
import { discover, oauthAuthorizationServerUrl, openIdConfigurationUrl } from '../../src/client/discovery';
import { InvalidResponseError } from '../../src/client/errors';
import { OAuthError } from '../../src/protocol/errors';
import { fakeFetch, htmlResponse, jsonResponse } from '../helpers/fake-fetch';

const ISSUER = 'https://id.example.com';
const doc = (issuer = ISSUER) => ({
  issuer,
  token_endpoint: `${issuer}/oauth/token`,
  device_authorization_endpoint: `${issuer}/oauth/device/code`,
  grant_types_supported: ['urn:ietf:params:oauth:grant-type:device_code'],
});

describe('well-known URLs', () => {
  it('appends the OIDC path to the issuer (OIDC Discovery §4.1)', () => {
    expect(openIdConfigurationUrl('https://id.example.com')).toBe('https://id.example.com/.well-known/openid-configuration');
    expect(openIdConfigurationUrl('https://id.example.com/')).toBe('https://id.example.com/.well-known/openid-configuration');
    expect(openIdConfigurationUrl('https://x.example/tenant/a')).toBe('https://x.example/tenant/a/.well-known/openid-configuration');
  });

  it('inserts the RFC 8414 §3.1 path before the issuer path', () => {
    expect(oauthAuthorizationServerUrl('https://id.example.com')).toBe('https://id.example.com/.well-known/oauth-authorization-server');
    expect(oauthAuthorizationServerUrl('https://x.example/tenant/a')).toBe(
      'https://x.example/.well-known/oauth-authorization-server/tenant/a',
    );
  });

  it('rejects issuers with a query or fragment, or that are not http(s) URLs', () => {
    expect(() => openIdConfigurationUrl('https://x.example/?a=b')).toThrow(TypeError);
    expect(() => openIdConfigurationUrl('https://x.example/#frag')).toThrow(TypeError);
    expect(() => openIdConfigurationUrl('ftp://x.example')).toThrow(TypeError);
    expect(() => openIdConfigurationUrl('not a url')).toThrow(TypeError);
  });
});

describe('discover', () => {
  it('reads the OpenID configuration with Accept: application/json', async () => {
    const fetch = fakeFetch(() => jsonResponse(doc()));
    const metadata = await discover(ISSUER, { fetch });
    expect(metadata.token_endpoint).toBe(`${ISSUER}/oauth/token`);
    expect(fetch.calls).toHaveLength(1);
    expect(fetch.calls[0]?.url).toBe(`${ISSUER}/.well-known/openid-configuration`);
    expect(fetch.calls[0]?.method).toBe('GET');
    expect(fetch.calls[0]?.headers.get('accept')).toBe('application/json');
  });

  it('falls back to RFC 8414 metadata when the OpenID document is missing', async () => {
    const fetch = fakeFetch((call) =>
      call.url.endsWith('/openid-configuration') ? jsonResponse({ error: 'invalid_request' }, 404) : jsonResponse(doc()),
    );
    const metadata = await discover(ISSUER, { fetch });
    expect(metadata.issuer).toBe(ISSUER);
    expect(fetch.calls.map((c) => c.url)).toEqual([
      `${ISSUER}/.well-known/openid-configuration`,
      `${ISSUER}/.well-known/oauth-authorization-server`,
    ]);
  });

  it('falls back when the OpenID path answers HTML with 200 (a web app catch-all)', async () => {
    const fetch = fakeFetch((call) => (call.url.endsWith('/openid-configuration') ? htmlResponse(200) : jsonResponse(doc())));
    expect((await discover(ISSUER, { fetch })).issuer).toBe(ISSUER);
    expect(fetch.calls).toHaveLength(2);
  });

  it('rejects a document whose issuer differs (RFC 8414 §3.3), without falling back', async () => {
    const fetch = fakeFetch(() => jsonResponse(doc('https://evil.example')));
    await expect(discover(ISSUER, { fetch })).rejects.toBeInstanceOf(InvalidResponseError);
    expect(fetch.calls).toHaveLength(1);
  });

  it('compares the issuer exactly (no trailing-slash normalisation)', async () => {
    const fetch = fakeFetch(() => jsonResponse(doc(`${ISSUER}/`)));
    await expect(discover(ISSUER, { fetch })).rejects.toThrow(/does not match/);
  });

  it('rejects endpoints that are not URLs', async () => {
    const fetch = fakeFetch(() => jsonResponse({ ...doc(), token_endpoint: 42 }));
    await expect(discover(ISSUER, { fetch })).rejects.toThrow(/token_endpoint/);
  });

  it('throws OAuthError when both documents are missing', async () => {
    const fetch = fakeFetch(() => new Response('not found', { status: 404 }));
    const err = await discover(ISSUER, { fetch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).status).toBe(404);
    expect(fetch.calls).toHaveLength(2);
  });

  it('does not fall back on a 5xx', async () => {
    const fetch = fakeFetch(() => new Response(null, { status: 503 }));
    await expect(discover(ISSUER, { fetch })).rejects.toMatchObject({ error: 'temporarily_unavailable', status: 503 });
    expect(fetch.calls).toHaveLength(1);
  });

  it('lets network errors propagate unchanged', async () => {
    const failure = new TypeError('fetch failed');
    const fetch = fakeFetch(() => Promise.reject(failure));
    await expect(discover(ISSUER, { fetch })).rejects.toBe(failure);
  });

  it('passes the abort signal to fetch', async () => {
    const controller = new AbortController();
    const fetch = fakeFetch(() => jsonResponse(doc()));
    await discover(ISSUER, { fetch, signal: controller.signal });
    expect(fetch.calls[0]?.init.signal).toBe(controller.signal);
  });

  it('supports issuers with a path', async () => {
    const issuer = 'https://x.example/tenant';
    const fetch = fakeFetch((call) => (call.url.includes('openid') ? new Response(null, { status: 404 }) : jsonResponse(doc(issuer))));
    expect((await discover(issuer, { fetch })).issuer).toBe(issuer);
    expect(fetch.calls[1]?.url).toBe('https://x.example/.well-known/oauth-authorization-server/tenant');
  });
});
