import { describe, expect, it } from 'vitest';
import { InvalidResponseError } from '../../src/client/errors';
import {
  authorizationCodeGrantRequest,
  deviceCodeGrantRequest,
  processTokenResponse,
  refreshTokenGrantRequest,
} from '../../src/client/token';
import { OAuthError } from '../../src/protocol/errors';
import type { AuthorizationServerMetadata } from '../../src/protocol/metadata';
import { fakeFetch, htmlResponse, jsonResponse } from '../helpers/fake-fetch';

const metadata: AuthorizationServerMetadata = { issuer: 'https://id.example.com', token_endpoint: 'https://id.example.com/oauth/token' };
const tokens = { access_token: 'at', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt', scope: 'openid', id_token: 'x.y.z' };

describe('token requests', () => {
  it('device code grant: RFC 8628 §3.4 parameters, form-encoded, JSON accepted', async () => {
    const fetch = fakeFetch(() => jsonResponse(tokens));
    await deviceCodeGrantRequest(metadata, { client_id: 'tv-app' }, 'dc-123', { fetch });
    const call = fetch.calls[0]!;
    expect(call.url).toBe(metadata.token_endpoint);
    expect(call.method).toBe('POST');
    expect(call.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(call.headers.get('accept')).toBe('application/json');
    expect(call.init.redirect).toBe('manual');
    expect(Object.fromEntries(call.form)).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: 'dc-123',
      client_id: 'tv-app',
    });
  });

  it('refresh token grant, with and without a narrowed scope', async () => {
    const fetch = fakeFetch(() => jsonResponse(tokens));
    await refreshTokenGrantRequest(metadata, { client_id: 'app' }, 'rt-1', { fetch });
    await refreshTokenGrantRequest(metadata, { client_id: 'app' }, 'rt-1', { fetch, scope: 'openid' });
    expect(Object.fromEntries(fetch.calls[0]!.form)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: 'app' });
    expect(fetch.calls[1]!.form.get('scope')).toBe('openid');
  });

  it('authorization code grant carries code, redirect_uri and code_verifier', async () => {
    const fetch = fakeFetch(() => jsonResponse(tokens));
    await authorizationCodeGrantRequest(
      metadata,
      { client_id: 'desktop' },
      { code: 'c1', redirect_uri: 'http://127.0.0.1:5123/callback', code_verifier: 'v'.repeat(43) },
      { fetch },
    );
    expect(Object.fromEntries(fetch.calls[0]!.form)).toEqual({
      grant_type: 'authorization_code',
      code: 'c1',
      redirect_uri: 'http://127.0.0.1:5123/callback',
      code_verifier: 'v'.repeat(43),
      client_id: 'desktop',
    });
  });

  it('confidential clients use HTTP Basic with form-urlencoded id and secret (RFC 6749 §2.3.1), not the body', async () => {
    const fetch = fakeFetch(() => jsonResponse(tokens));
    await deviceCodeGrantRequest(metadata, { client_id: 'svc:1', client_secret: 'p@ss w/rd+é' }, 'dc', { fetch });
    const call = fetch.calls[0]!;
    expect(call.form.has('client_id')).toBe(false);
    const header = call.headers.get('authorization')!;
    expect(header).toMatch(/^Basic /);
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(header.slice(6)), (c) => c.charCodeAt(0)));
    expect(decoded).toBe('svc%3A1:p%40ss+w%2Frd%2B%C3%A9');
    const [id, secret] = decoded.split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
    expect([id, secret]).toEqual(['svc:1', 'p@ss w/rd+é']);
  });

  it('passes extra headers and the abort signal through', async () => {
    const controller = new AbortController();
    const fetch = fakeFetch(() => jsonResponse(tokens));
    await deviceCodeGrantRequest(metadata, { client_id: 'a' }, 'dc', { fetch, signal: controller.signal, headers: { 'User-Agent': 'kiosk/1' } });
    expect(fetch.calls[0]!.init.signal).toBe(controller.signal);
    expect(fetch.calls[0]!.headers.get('user-agent')).toBe('kiosk/1');
  });

  it('uses globalThis.fetch by default, looked up at call time', async () => {
    const original = globalThis.fetch;
    const fake = fakeFetch(() => jsonResponse(tokens));
    globalThis.fetch = fake as typeof globalThis.fetch;
    try {
      await deviceCodeGrantRequest(metadata, { client_id: 'a' }, 'dc');
      expect(fake.calls).toHaveLength(1);
    } finally {
      globalThis.fetch = original;
    }
  });
});

describe('processTokenResponse', () => {
  it('returns the known fields', async () => {
    expect(await processTokenResponse(jsonResponse({ ...tokens, extension: 1 }))).toEqual(tokens);
  });

  it('accepts token_type case-insensitively (RFC 6749 §7.1)', async () => {
    for (const token_type of ['bearer', 'BEARER', 'Bearer']) {
      expect((await processTokenResponse(jsonResponse({ access_token: 'a', token_type }))).token_type).toBe(token_type);
    }
  });

  it.each([
    ['missing access_token', { token_type: 'Bearer' }],
    ['empty access_token', { access_token: '', token_type: 'Bearer' }],
    ['missing token_type', { access_token: 'a' }],
    ['non-bearer token_type', { access_token: 'a', token_type: 'DPoP' }],
    ['string-typed expires_in that is not a number', { access_token: 'a', token_type: 'Bearer', expires_in: 'an hour' }],
    ['numeric refresh_token', { access_token: 'a', token_type: 'Bearer', refresh_token: 5 }],
  ])('rejects %s', async (_name, body) => {
    await expect(processTokenResponse(jsonResponse(body))).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('throws OAuthError with status and body for RFC 8628 §3.5 errors', async () => {
    const body = { error: 'slow_down', error_description: 'Poll every 10 s' };
    const err = await processTokenResponse(jsonResponse(body, 400)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({ error: 'slow_down', description: 'Poll every 10 s', status: 400, cause: body });
  });

  it('treats a 200 carrying an error (GitHub style) as that error', async () => {
    await expect(processTokenResponse(jsonResponse({ error: 'authorization_pending' }, 200))).rejects.toMatchObject({
      error: 'authorization_pending',
    });
  });

  it('turns a proxy error page into server_error with its status', async () => {
    await expect(processTokenResponse(htmlResponse(502))).rejects.toMatchObject({ error: 'server_error', status: 502 });
  });
});
