import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestCore, ISSUER } from '../test-support';

describe('discovery and JWKS', () => {
  let t: Awaited<ReturnType<typeof createTestCore>>;
  beforeEach(async () => (t = await createTestCore()));
  afterEach(() => t.close());

  it('advertises exactly what is supported, at both well-known paths', async () => {
    const oidc = await t.get('/.well-known/openid-configuration');
    const rfc8414 = await t.get('/.well-known/oauth-authorization-server');
    expect(oidc.body).toEqual(rfc8414.body);
    expect(oidc.body).toMatchObject({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/oauth/token`,
      device_authorization_endpoint: `${ISSUER}/oauth/device/code`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      authorization_endpoint: `${ISSUER}/oauth/authorize`,
      grant_types_supported: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code', 'refresh_token', 'client_credentials', 'password'],
      // Only what is really supported: the code flow, query responses, S256, iss (RFC 9207 §3).
      // Implicit and hybrid are supported, off unless a client enables them; form_post only for them.
      response_types_supported: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
      response_modes_supported: ['query', 'form_post'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      id_token_signing_alg_values_supported: ['ES256'],
      pairgate_device_events_endpoint: 'wss://pairgate.test/oauth/device/events',
    });
  });

  it('lists exactly the client authentication methods and assertion algorithms served (RFC 8414 §2, RFC 7662)', async () => {
    const { body } = await t.get('/.well-known/openid-configuration');
    const all = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'];
    const algs = ['ES256', 'RS256', 'PS256', 'EdDSA'];
    expect(body).toMatchObject({
      introspection_endpoint: `${ISSUER}/oauth/introspect`,
      revocation_endpoint: `${ISSUER}/oauth/revoke`,
      token_endpoint_auth_methods_supported: all,
      token_endpoint_auth_signing_alg_values_supported: algs,
      revocation_endpoint_auth_methods_supported: all,
      revocation_endpoint_auth_signing_alg_values_supported: algs,
      // Introspection needs a client that can prove who it is.
      introspection_endpoint_auth_methods_supported: all.filter((m) => m !== 'none'),
      introspection_endpoint_auth_signing_alg_values_supported: algs,
    });
    // Never a shared-secret or unsigned assertion algorithm.
    expect((body.token_endpoint_auth_signing_alg_values_supported as string[]).some((a) => a.startsWith('HS') || a === 'none')).toBe(false);
  });

  it('publishes the current and previous key after a rotation, never more', async () => {
    const first = (await t.get('/.well-known/jwks.json')).body.keys as { kid: string; d?: string }[];
    expect(first).toHaveLength(1);
    expect(first[0]?.d).toBeUndefined(); // no private part
    t.clock.advance(86_400);
    const second = await t.core.keys.rotate();
    t.clock.advance(86_400);
    const third = await t.core.keys.rotate();
    const kids = ((await t.get('/.well-known/jwks.json')).body.keys as { kid: string }[]).map((k) => k.kid);
    expect(kids).toEqual([third, second]);
    expect((await t.core.keys.signingKey()).kid).toBe(third);
  });

  it('answers unknown paths under /oauth with a JSON 404', async () => {
    const r = await t.get('/oauth/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('invalid_request');
  });
});

describe('CORS (kiosks on TV web runtimes are pages on another origin)', () => {
  let t: Awaited<ReturnType<typeof createTestCore>>;
  beforeEach(async () => (t = await createTestCore()));
  afterEach(() => t.close());

  it('allows any origin on every endpoint, errors included, and answers preflights', async () => {
    expect((await t.get('/.well-known/openid-configuration')).headers.get('access-control-allow-origin')).toBe('*');
    expect((await t.post('/oauth/token', {})).headers.get('access-control-allow-origin')).toBe('*');
    const { serveFetch } = await import('../http/fetch-adapter');
    const preflight = await serveFetch(t.core.handle, new Request(`${ISSUER}/userinfo`, { method: 'OPTIONS' }), '127.0.0.1');
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, HEAD');
  });
});
