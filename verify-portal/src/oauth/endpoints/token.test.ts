import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../observability/logger';
import { CONFIDENTIAL_SECRET, createTestCore } from '../test-support';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('token endpoint: device code grant (RFC 8628 §3.4–3.5)', () => {
  let t: Awaited<ReturnType<typeof createTestCore>>;
  beforeEach(async () => (t = await createTestCore()));
  afterEach(() => t.close());

  async function deviceCode(clientId = 'tv', extra: Record<string, string> = {}) {
    const r = await t.post('/oauth/device/code', { client_id: clientId, ...extra });
    expect(r.status).toBe(200);
    return r.body as { device_code: string; user_code: string; interval: number; expires_in: number };
  }
  const poll = (code: string, clientId = 'tv') => t.post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: code, client_id: clientId });

  it('answers authorization_pending, then slow_down when polled early, and the raised interval sticks', async () => {
    const code = await deviceCode();
    expect(code.interval).toBe(5);
    expect((await poll(code.device_code)).body.error).toBe('authorization_pending');
    t.clock.advance(4.9);
    const slow = await poll(code.device_code);
    expect(slow.status).toBe(400);
    expect(slow.body.error).toBe('slow_down');
    expect(slow.headers.get('cache-control')).toBe('no-store');
    // Now 10 s apply: 9.9 s later is still too early (and raises it to 15 s)…
    t.clock.advance(9.9);
    expect((await poll(code.device_code)).body.error).toBe('slow_down');
    // …and 15 s later is fine.
    t.clock.advance(15);
    expect((await poll(code.device_code)).body.error).toBe('authorization_pending');
  });

  it('an approved code is never slowed down: a device told of the approval gets its tokens at once', async () => {
    const code = await deviceCode();
    expect((await poll(code.device_code)).body.error).toBe('authorization_pending');
    expect((await t.core.approve(code.user_code, t.user.id)).ok).toBe(true);
    const tokens = await poll(code.device_code); // 0 s after the last poll
    expect(tokens.status).toBe(200);
    expect(tokens.headers.get('cache-control')).toBe('no-store');
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
  });

  it('denied → access_denied; expired → expired_token; a code of another client → invalid_grant', async () => {
    const denied = await deviceCode();
    await t.core.deny(denied.user_code);
    expect((await poll(denied.device_code)).body.error).toBe('access_denied');

    const expiring = await deviceCode();
    t.clock.advance(expiring.expires_in);
    expect((await poll(expiring.device_code)).body.error).toBe('expired_token');
    expect(await t.core.approve(expiring.user_code, t.user.id)).toEqual({ ok: false, reason: 'expired' });

    const foreign = await deviceCode('other-tv');
    expect((await poll(foreign.device_code, 'tv')).body.error).toBe('invalid_grant');
  });

  it('issues a refresh token only with offline_access, and an ID token only with openid', async () => {
    const plain = await deviceCode('tv', { scope: 'profile' });
    await t.core.approve(plain.user_code, t.user.id);
    const tokens = await poll(plain.device_code);
    expect(tokens.body.refresh_token).toBeUndefined();
    expect(tokens.body.id_token).toBeUndefined();
    expect(tokens.body.scope).toBe('profile');

    // other-tv may not use refresh tokens even when it asks for offline_access.
    const noRefresh = await deviceCode('other-tv', { scope: 'openid offline_access' });
    await t.core.approve(noRefresh.user_code, t.user.id);
    const r = await poll(noRefresh.device_code, 'other-tv');
    expect(r.body.id_token).toBeTypeOf('string');
    expect(r.body.refresh_token).toBeUndefined();
  });

  it('authenticates confidential clients with their registered method only', async () => {
    const basic = `Basic ${Buffer.from(`box:${CONFIDENTIAL_SECRET}`).toString('base64')}`;
    const code = (await t.post('/oauth/device/code', {}, { authorization: basic })).body as { device_code: string };
    expect(code.device_code).toBeTypeOf('string');
    const noSecret = await t.post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: code.device_code, client_id: 'box' });
    expect(noSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const wrong = await t.post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: code.device_code }, { authorization: `Basic ${Buffer.from('box:wrong').toString('base64')}` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    // box is registered for client_secret_basic: the same secret in the body is refused.
    const viaPost = await t.post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: code.device_code, client_id: 'box', client_secret: CONFIDENTIAL_SECRET });
    expect(viaPost.body.error).toBe('invalid_client');
    expect((await t.post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: code.device_code }, { authorization: basic })).body.error).toBe('authorization_pending');
    const post = await t.post('/oauth/device/code', { client_id: 'box-post', client_secret: CONFIDENTIAL_SECRET });
    expect(post.status).toBe(200);
  });

  it('refuses malformed requests with the right OAuth error', async () => {
    expect((await t.post('/oauth/token', { client_id: 'tv' })).body.error).toBe('invalid_request');
    expect((await t.post('/oauth/token', { grant_type: 'implicit', client_id: 'tv' })).body.error).toBe('unsupported_grant_type');
    expect((await t.post('/oauth/token', { grant_type: DEVICE_GRANT, client_id: 'tv' })).body).toEqual({ error: 'invalid_request', error_description: 'The device_code parameter is required.' });
    expect((await t.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'other-tv' })).body.error).toBe('unauthorized_client');
    const json = await t.post('/oauth/token', {}, { 'content-type': 'application/json' });
    expect(json.body.error).toBe('invalid_request');
    const get = await t.get('/oauth/token');
    expect(get.status).toBe(405);
  });
});

describe('token endpoint: refresh token grant', () => {
  let t: Awaited<ReturnType<typeof createTestCore>>;
  beforeEach(async () => (t = await createTestCore()));
  afterEach(() => t.close());

  async function signIn() {
    const code = (await t.post('/oauth/device/code', { client_id: 'tv' })).body as { device_code: string; user_code: string };
    await t.core.approve(code.user_code, t.user.id);
    return (await t.post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: code.device_code, client_id: 'tv' })).body as { refresh_token: string; access_token: string };
  }
  const refresh = (token: string, extra: Record<string, string> = {}) => t.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: token, client_id: 'tv', ...extra });

  it('may narrow the scope but never widen it', async () => {
    const tokens = await signIn();
    const narrowed = await refresh(tokens.refresh_token, { scope: 'openid' });
    expect(narrowed.body.scope).toBe('openid');
    // The new refresh token keeps the full original scope (RFC 6749 §6).
    const again = await refresh(narrowed.body.refresh_token as string);
    expect(again.body.scope).toBe('openid profile email offline_access');
    expect((await refresh(again.body.refresh_token as string, { scope: 'openid admin' })).body.error).toBe('invalid_scope');
  });

  it('expires after its lifetime', async () => {
    const tokens = await signIn();
    t.clock.advance(30 * 24 * 3600);
    expect((await refresh(tokens.refresh_token)).body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is not valid.' });
  });

  it('tells the holder of a reused token nothing of what happened; the log gets the detail', async () => {
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      const tokens = await signIn();
      expect((await refresh(tokens.refresh_token)).status).toBe(200);
      const reused = await refresh(tokens.refresh_token);
      expect(reused.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is not valid.' });
      expect(reused.text).not.toMatch(/used|revoked|session/i);
      expect(info).toHaveBeenLastCalledWith(
        { grantType: 'refresh_token', clientId: 'tv', detail: 'This refresh token was already used; the session has been revoked.' },
        'token request refused: invalid_grant',
      );
      // The same words for a token that never existed.
      expect((await refresh('no-such-token')).body).toEqual(reused.body);
    } finally {
      info.mockRestore();
    }
  });

  it('is bound to its client', async () => {
    const tokens = await signIn();
    const basic = `Basic ${Buffer.from(`box:${CONFIDENTIAL_SECRET}`).toString('base64')}`;
    const r = await t.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, { authorization: basic });
    expect(r.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is not valid.' });
    // …and still works for its own client.
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
  });
});
