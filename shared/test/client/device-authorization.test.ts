import { describe, expect, it } from 'vitest';
import { deviceAuthorizationRequest, processDeviceAuthorizationResponse } from '../../src/client/device-authorization';
import { InvalidResponseError } from '../../src/client/errors';
import { OAuthError } from '../../src/protocol/errors';
import type { AuthorizationServerMetadata } from '../../src/protocol/metadata';
import { fakeFetch, jsonResponse } from '../helpers/fake-fetch';

const metadata: AuthorizationServerMetadata = {
  issuer: 'https://id.example.com',
  device_authorization_endpoint: 'https://id.example.com/oauth/device/code',
};

const valid = {
  device_code: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS',
  user_code: 'WDJBMJHT',
  verification_uri: 'https://id.example.com/activate',
  verification_uri_complete: 'https://id.example.com/activate?user_code=WDJBMJHT',
  expires_in: 600,
  interval: 5,
};

describe('deviceAuthorizationRequest', () => {
  it('POSTs a form with client_id, scope and the device description', async () => {
    const fetch = fakeFetch(() => jsonResponse(valid));
    await deviceAuthorizationRequest(
      metadata,
      { client_id: 'tv-app' },
      { scope: 'openid profile', device_name: 'Living room TV', device_model: 'Pi 5' },
      { fetch },
    );
    const call = fetch.calls[0]!;
    expect(call.url).toBe(metadata.device_authorization_endpoint);
    expect(call.method).toBe('POST');
    expect(call.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(call.headers.get('accept')).toBe('application/json');
    expect(call.headers.has('authorization')).toBe(false);
    expect(Object.fromEntries(call.form)).toEqual({
      client_id: 'tv-app',
      scope: 'openid profile',
      device_name: 'Living room TV',
      device_model: 'Pi 5',
    });
  });

  it('sends device_id (Pairgate extension) when given', async () => {
    const fetch = fakeFetch(() => jsonResponse(valid));
    await deviceAuthorizationRequest(metadata, { client_id: 'tv-app' }, { device_id: 'k3Yd1c9Qh0m2VZp7RkX4aLw8sNf6tGjB' }, { fetch });
    expect(fetch.calls[0]!.form.get('device_id')).toBe('k3Yd1c9Qh0m2VZp7RkX4aLw8sNf6tGjB');
  });

  it('omits absent optional parameters', async () => {
    const fetch = fakeFetch(() => jsonResponse(valid));
    await deviceAuthorizationRequest(metadata, { client_id: 'tv-app' }, {}, { fetch });
    expect([...fetch.calls[0]!.form.keys()]).toEqual(['client_id']);
  });

  it('fails clearly when the server has no device authorization endpoint', () => {
    expect(() => deviceAuthorizationRequest({ issuer: 'https://x' }, { client_id: 'a' })).toThrow(/device_authorization_endpoint/);
  });
});

describe('processDeviceAuthorizationResponse', () => {
  it('returns the validated response', async () => {
    expect(await processDeviceAuthorizationResponse(jsonResponse({ ...valid, extra: 'ignored' }))).toEqual(valid);
  });

  it('leaves interval and verification_uri_complete absent when the server omits them', async () => {
    const { interval: _i, verification_uri_complete: _v, ...minimal } = valid;
    const result = await processDeviceAuthorizationResponse(jsonResponse(minimal));
    expect(result).toEqual(minimal);
    expect('interval' in result).toBe(false);
  });

  it('accepts numeric strings for expires_in and interval', async () => {
    const result = await processDeviceAuthorizationResponse(jsonResponse({ ...valid, expires_in: '900', interval: '5' }));
    expect(result.expires_in).toBe(900);
    expect(result.interval).toBe(5);
  });

  it('accepts Google-style verification_url', async () => {
    const { verification_uri, ...rest } = valid;
    const result = await processDeviceAuthorizationResponse(jsonResponse({ ...rest, verification_url: verification_uri }));
    expect(result.verification_uri).toBe(verification_uri);
  });

  it.each([
    ['missing device_code', { ...valid, device_code: undefined }],
    ['empty user_code', { ...valid, user_code: '' }],
    ['numeric verification_uri', { ...valid, verification_uri: 1 }],
    ['missing expires_in', { ...valid, expires_in: undefined }],
    ['zero expires_in', { ...valid, expires_in: 0 }],
    ['negative interval', { ...valid, interval: -1 }],
    ['non-numeric interval', { ...valid, interval: 'soon' }],
    ['boolean verification_uri_complete', { ...valid, verification_uri_complete: true }],
  ])('rejects %s', async (_name, body) => {
    await expect(processDeviceAuthorizationResponse(jsonResponse(body))).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('throws the server error for a 4xx', async () => {
    const err = await processDeviceAuthorizationResponse(jsonResponse({ error: 'invalid_client' }, 401)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({ error: 'invalid_client', status: 401 });
  });
});
