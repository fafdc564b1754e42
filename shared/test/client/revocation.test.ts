import { describe, expect, it } from 'vitest';
import { processRevocationResponse, revocationRequest } from '../../src/client/revocation';
import type { AuthorizationServerMetadata } from '../../src/protocol/metadata';
import { fakeFetch, jsonResponse } from '../helpers/fake-fetch';

const metadata: AuthorizationServerMetadata = { issuer: 'https://id.example.com', revocation_endpoint: 'https://id.example.com/oauth/revoke' };

describe('revocation (RFC 7009)', () => {
  it('POSTs token and hint with client authentication', async () => {
    const fetch = fakeFetch(() => new Response(null, { status: 200 }));
    await revocationRequest(metadata, { client_id: 'tv-app' }, 'rt-1', 'refresh_token', { fetch });
    const call = fetch.calls[0]!;
    expect(call.url).toBe(metadata.revocation_endpoint);
    expect(Object.fromEntries(call.form)).toEqual({ token: 'rt-1', token_type_hint: 'refresh_token', client_id: 'tv-app' });
  });

  it('omits the hint when not given', async () => {
    const fetch = fakeFetch(() => new Response(null, { status: 200 }));
    await revocationRequest(metadata, { client_id: 'tv-app' }, 'at-1', undefined, { fetch });
    expect(fetch.calls[0]!.form.has('token_type_hint')).toBe(false);
  });

  it('treats 200 as success', async () => {
    await expect(processRevocationResponse(new Response('', { status: 200 }))).resolves.toBeUndefined();
  });

  it('throws the server error otherwise', async () => {
    await expect(processRevocationResponse(jsonResponse({ error: 'unsupported_token_type' }, 400))).rejects.toMatchObject({
      error: 'unsupported_token_type',
      status: 400,
    });
    await expect(processRevocationResponse(new Response(null, { status: 503 }))).rejects.toMatchObject({
      error: 'temporarily_unavailable',
    });
  });
});
