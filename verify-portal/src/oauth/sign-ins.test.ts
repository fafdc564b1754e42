/**
 * Ending sign-ins (sign-out, "This wasn't me", refresh-token reuse): what is revoked, what the
 * device hears, and what the endpoints say about its tokens at once. In-process on the real
 * core and SQLite; the confidential client `box` introspects.
 */
import { GrantType } from '@pairgate/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../crypto/hash';
import { signInTopic, type DeviceEvent } from './device-events';
import { CONFIDENTIAL_SECRET, createTestCore } from './test-support';

let t: Awaited<ReturnType<typeof createTestCore>>;
beforeEach(async () => (t = await createTestCore()));
afterEach(() => t.close());

const poll = (deviceCode: string) => t.post('/oauth/token', { grant_type: GrantType.DeviceCode, device_code: deviceCode, client_id: 'tv' });

/** A device code approved by the test user from a phone next to the device; the grant id is the approval's. */
async function approved() {
  const code = (await t.post('/oauth/device/code', { client_id: 'tv', scope: 'openid profile offline_access' })).body as { device_code: string; user_code: string };
  const result = await t.core.approve(code.user_code, t.user.id, { address: '203.0.113.9' });
  if (!result.ok) throw new Error(result.reason);
  const grantId = result.record.approval!.grantId;
  const codeHeard: DeviceEvent[] = [];
  const signInHeard: DeviceEvent[] = [];
  t.core.context.events.subscribe(hashSecret(code.device_code), (e) => codeHeard.push(e));
  t.core.context.events.subscribe(signInTopic(grantId), (e) => signInHeard.push(e));
  return { ...code, grantId, codeHeard, signInHeard };
}

const introspect = (token: string) => t.post('/oauth/introspect', { token }, { authorization: `Basic ${Buffer.from(`box:${CONFIDENTIAL_SECRET}`).toString('base64')}` });

describe("This wasn't me", () => {
  it('before the device collected its tokens: the code is denied, the device hears it and gets access_denied', async () => {
    const a = await approved();
    expect(await t.core.disownSignIn(a.grantId, t.user.id)).toBe(true);
    expect(a.codeHeard).toEqual(['denied']);
    expect((await poll(a.device_code)).body.error).toBe('access_denied');
    expect(await t.store.findGrant(a.grantId)).toBeUndefined();
    expect(await t.core.disownSignIn(a.grantId, t.user.id)).toBe(false);
  });

  it('after: the sign-in ends at once — the device is told, its refresh token is invalid_grant, introspection and userinfo refuse its unexpired access token', async () => {
    const a = await approved();
    const tokens = (await poll(a.device_code)).body as { access_token: string; refresh_token: string };
    expect((await introspect(tokens.access_token)).body.active).toBe(true);
    expect((await t.get('/userinfo', { authorization: `Bearer ${tokens.access_token}` })).status).toBe(200);

    expect(await t.core.disownSignIn(a.grantId, t.user.id)).toBe(true);
    expect(a.signInHeard).toEqual(['ended']);
    expect((await t.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'tv' })).body.error).toBe('invalid_grant');
    expect((await introspect(tokens.access_token)).body).toEqual({ active: false });
    expect((await introspect(tokens.refresh_token)).body).toEqual({ active: false });
    const userinfo = await t.get('/userinfo', { authorization: `Bearer ${tokens.access_token}` });
    expect(userinfo.status).toBe(401);
    expect(userinfo.body.error).toBe('invalid_token');
  });

  it("is only for the person's own approvals", async () => {
    const a = await approved();
    expect(await t.core.disownSignIn(a.grantId, 'someone-else')).toBe(false);
    expect((await t.store.findDeviceCode(hashSecret(a.device_code)))?.status).toBe('approved');
    await poll(a.device_code);
    expect(await t.core.disownSignIn(a.grantId, 'someone-else')).toBe(false);
    expect((await t.store.findGrant(a.grantId))?.revokedAt).toBeNull();
    expect(a.signInHeard).toEqual([]);
  });
});

describe('every other end of a sign-in tells the device', () => {
  it('a sign-out (endSignIn) once; ending it again says false and tells nobody', async () => {
    const a = await approved();
    await poll(a.device_code);
    expect(await t.core.endSignIn(a.grantId)).toBe(true);
    expect(await t.core.endSignIn(a.grantId)).toBe(false);
    expect(a.signInHeard).toEqual(['ended']);
  });

  it('refresh-token reuse (RFC 9700 §4.14.2) revokes the family and tells the device', async () => {
    const a = await approved();
    const first = (await poll(a.device_code)).body as { refresh_token: string };
    const refresh = (token: string) => t.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: token, client_id: 'tv' });
    expect((await refresh(first.refresh_token)).status).toBe(200);
    expect(a.signInHeard).toEqual([]);
    expect((await refresh(first.refresh_token)).body.error).toBe('invalid_grant');
    expect(a.signInHeard).toEqual(['ended']);
    expect((await t.store.findGrant(a.grantId))?.revokedAt).toBe(t.clock.now);
  });
});
