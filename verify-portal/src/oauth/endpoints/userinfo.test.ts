import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestCore } from '../test-support';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('userinfo and revocation', () => {
  let t: Awaited<ReturnType<typeof createTestCore>>;
  beforeEach(async () => (t = await createTestCore()));
  afterEach(() => t.close());

  async function signIn(scope = 'openid profile email offline_access') {
    const code = (await t.post('/oauth/device/code', { client_id: 'tv', scope })).body as { device_code: string; user_code: string };
    await t.core.approve(code.user_code, t.user.id);
    return (await t.post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: code.device_code, client_id: 'tv' })).body as { refresh_token: string; access_token: string };
  }

  it('returns the claims the scope allows', async () => {
    const { access_token } = await signIn('openid profile');
    const r = await t.get('/userinfo', { authorization: `Bearer ${access_token}` });
    expect(r.body).toEqual({ sub: t.user.id, name: 'Ada' });
  });

  it('challenges missing, expired and out-of-scope tokens per RFC 6750', async () => {
    const none = await t.get('/userinfo');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="pairgate"');
    const { access_token } = await signIn();
    t.clock.advance(601);
    const expired = await t.get('/userinfo', { authorization: `Bearer ${access_token}` });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
    t.clock.advance(-601);
    const profileOnly = await signIn('profile');
    const r = await t.get('/userinfo', { authorization: `Bearer ${profileOnly.access_token}` });
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('insufficient_scope');
    const forged = await t.get('/userinfo', { authorization: `Bearer ${access_token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
  });

  it('revoking a refresh token or an access token signs the whole grant out', async () => {
    const a = await signIn();
    expect((await t.post('/oauth/revoke', { client_id: 'tv', token: a.refresh_token })).status).toBe(200);
    expect((await t.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: a.refresh_token, client_id: 'tv' })).body.error).toBe('invalid_grant');
    expect((await t.get('/userinfo', { authorization: `Bearer ${a.access_token}` })).status).toBe(401);

    const b = await signIn();
    expect((await t.post('/oauth/revoke', { client_id: 'tv', token: b.access_token, token_type_hint: 'access_token' })).status).toBe(200);
    expect((await t.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: b.refresh_token, client_id: 'tv' })).body.error).toBe('invalid_grant');
  });

  it("ignores another client's tokens and unknown ones alike (RFC 7009 §2.2)", async () => {
    const a = await signIn();
    expect((await t.post('/oauth/revoke', { client_id: 'other-tv', token: a.refresh_token })).status).toBe(200);
    expect((await t.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: a.refresh_token, client_id: 'tv' })).status).toBe(200);
    expect((await t.post('/oauth/revoke', { client_id: 'tv', token: 'nothing' })).status).toBe(200);
    expect((await t.post('/oauth/revoke', { client_id: 'tv', token: 'x', token_type_hint: 'saml' })).body.error).toBe('unsupported_token_type');
  });
});
