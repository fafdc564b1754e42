import { describe, expect, it } from 'vitest';
import { InvalidResponseError, expectJsonObject, responseError } from '../../src/client/errors';
import { OAuthError } from '../../src/protocol/errors';
import { htmlResponse, jsonResponse } from '../helpers/fake-fetch';

describe('responseError', () => {
  it('carries the server error, description, status and body', async () => {
    const body = { error: 'invalid_grant', error_description: 'Code already used', error_uri: 'https://x/doc' };
    const err = await responseError(jsonResponse(body, 400));
    expect(err).toBeInstanceOf(OAuthError);
    expect(err.error).toBe('invalid_grant');
    expect(err.description).toBe('Code already used');
    expect(err.status).toBe(400);
    expect(err.cause).toEqual(body);
  });

  it('keeps the real status even when it is unusual for the code', async () => {
    const err = await responseError(jsonResponse({ error: 'invalid_client' }, 400));
    expect(err.status).toBe(400);
    expect(err.description).toBeUndefined();
  });

  it('ignores a non-string error_description', async () => {
    const err = await responseError(jsonResponse({ error: 'invalid_request', error_description: { html: '<b>' } }, 400));
    expect(err.error).toBe('invalid_request');
    expect(err.description).toBeUndefined();
  });

  it('turns an HTML 502 into server_error with the status', async () => {
    const err = await responseError(htmlResponse(502));
    expect(err.error).toBe('server_error');
    expect(err.status).toBe(502);
  });

  it('turns a bodiless 503 into temporarily_unavailable', async () => {
    const err = await responseError(new Response(null, { status: 503 }));
    expect(err.error).toBe('temporarily_unavailable');
    expect(err.status).toBe(503);
  });

  it('reports an unknown error code as server_error, keeping the body', async () => {
    const body = { error: 'vendor_specific_thing', error_description: 'Nope' };
    const err = await responseError(jsonResponse(body, 400));
    expect(err.error).toBe('server_error');
    expect(err.status).toBe(400);
    expect(err.description).toBe('Nope');
    expect(err.cause).toEqual(body);
  });

  it('reads RFC 6750 §3 bearer challenges when there is no body', async () => {
    const res = new Response(null, {
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer realm="pairgate", error="invalid_token", error_description="The access token expired"' },
    });
    const err = await responseError(res);
    expect(err.error).toBe('invalid_token');
    expect(err.description).toBe('The access token expired');
    expect(err.status).toBe(401);
  });
});

describe('expectJsonObject', () => {
  it('returns the object of a 2xx JSON response', async () => {
    expect(await expectJsonObject(jsonResponse({ a: 1 }), 'x')).toEqual({ a: 1 });
  });

  it('throws InvalidResponseError for a 2xx that is not a JSON object', async () => {
    for (const res of [htmlResponse(200), jsonResponse([1, 2]), jsonResponse(null), new Response('', { status: 200 })]) {
      const err = await expectJsonObject(res, 'token').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidResponseError);
      expect((err as InvalidResponseError).status).toBe(200);
    }
  });

  it('throws the OAuthError carried by a 2xx error body', async () => {
    const err = await expectJsonObject(jsonResponse({ error: 'authorization_pending' }, 200), 'token').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).error).toBe('authorization_pending');
  });
});
