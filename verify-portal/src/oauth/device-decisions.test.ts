/**
 * The confirm step and the decision under each proximity policy (RFC 10027), in-process on the
 * real core and SQLite: what a phone is asked, what the device hears and polls, and what the
 * grant records. The test core's device asks from 203.0.113.7.
 */
import { GrantType } from '@pairgate/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../crypto/hash';
import type { ClientRecord } from '../store/store';
import { signInTopic, type DeviceEvent } from './device-events';
import { createTestCore } from './test-support';

const NEAR = '203.0.113.50';
const REMOTE = '198.51.100.9';
const DEVICE_GRANT = GrantType.DeviceCode;

let t: Awaited<ReturnType<typeof createTestCore>>;
beforeEach(async () => (t = await createTestCore()));
afterEach(() => t.close());

async function policy(fields: Partial<ClientRecord>): Promise<void> {
  await t.store.upsertClient({ ...(await t.store.findClient('tv'))!, ...fields });
}

async function pair(extra: Record<string, string> = {}) {
  const body = (await t.post('/oauth/device/code', { client_id: 'tv', scope: 'openid profile offline_access', ...extra })).body as { device_code: string; user_code: string };
  const heard: DeviceEvent[] = [];
  t.core.context.events.subscribe(hashSecret(body.device_code), (e) => heard.push(e));
  const poll = () => t.post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: body.device_code, client_id: 'tv' });
  return { ...body, heard, poll };
}

describe('step-up: number matching for a phone that is not near', () => {
  beforeEach(() => policy({ proximity: 'step-up', remoteScopes: ['openid'] }));

  it('draws the number once, shows three choices (the same on a reload), tells the device, and offers the number to a polling device', async () => {
    const code = await pair();
    const opened = await t.core.openConfirmation(code.user_code, REMOTE);
    if (!opened.ok) throw new Error(opened.reason);
    const { step, choices, record } = opened.confirmation;
    expect(step).toBe('match');
    expect(choices).toHaveLength(3);
    expect(choices).toContain(record.numberMatch?.number);
    expect(code.heard).toEqual(['opened']);

    const again = await t.core.openConfirmation(code.user_code, REMOTE);
    expect(again.ok && again.confirmation.choices).toEqual(choices);
    // RFC 8628 §3.5 polling, plus the number for a device that never opened the push channel.
    const pending = await code.poll();
    expect(pending.status).toBe(400);
    expect(pending.body).toMatchObject({ error: 'authorization_pending', pairgate_match: record.numberMatch?.number });
  });

  it('Approve without a pick changes nothing; a wrong pick denies (the device hears it, its poll gets access_denied)', async () => {
    const code = await pair();
    const opened = await t.core.openConfirmation(code.user_code, REMOTE);
    if (!opened.ok) throw new Error(opened.reason);
    const number = opened.confirmation.record.numberMatch!.number;
    const wrong = opened.confirmation.choices!.find((c) => c !== number)!;

    expect(await t.core.approve(code.user_code, t.user.id, { address: REMOTE })).toEqual({ ok: false, reason: 'needs-match' });
    expect((await t.store.findDeviceCode(hashSecret(code.device_code)))?.status).toBe('pending');
    expect(await t.core.approve(code.user_code, t.user.id, { address: REMOTE, pickedNumber: wrong })).toEqual({ ok: false, reason: 'wrong-number' });
    expect(code.heard).toEqual(['opened', 'denied']);
    t.clock.advance(5);
    expect((await code.poll()).body.error).toBe('access_denied');
    // One guess per code: the right number afterwards gets nowhere.
    expect(await t.core.approve(code.user_code, t.user.id, { address: REMOTE, pickedNumber: number })).toEqual({ ok: false, reason: 'denied' });
  });

  it('the right pick approves: the grant records a remote approval with the number matched, and is not limited', async () => {
    const code = await pair();
    const opened = await t.core.openConfirmation(code.user_code, REMOTE);
    if (!opened.ok) throw new Error(opened.reason);
    const approved = await t.core.approve(code.user_code, t.user.id, { address: REMOTE, pickedNumber: opened.confirmation.record.numberMatch!.number });
    expect(approved.ok).toBe(true);
    expect(code.heard).toEqual(['opened', 'approved']);
    const tokens = await code.poll();
    expect(tokens.body.scope).toBe('openid profile offline_access');
    const grant = await t.store.findGrant(approved.ok ? approved.record.approval!.grantId : '');
    expect(grant?.approval).toEqual({ proximity: 'remote', policy: 'step-up', numberMatched: true });
  });

  it('a near phone just approves, and the grant says so', async () => {
    const code = await pair();
    const opened = await t.core.openConfirmation(code.user_code, NEAR);
    expect(opened.ok && opened.confirmation.step).toBe('approve');
    expect(opened.ok && opened.confirmation.record.numberMatch).toBeUndefined();
    const approved = await t.core.approve(code.user_code, t.user.id, { address: NEAR });
    expect(approved.ok && approved.record.approval).toMatchObject({ proximity: 'near', policy: 'step-up', numberMatched: false });
  });

  it('both phone and device inside one allowed network count as near; one in each of two does not', async () => {
    await policy({ allowedNetworks: ['203.0.0.0/8', '198.0.0.0/8'] });
    const apart = await pair();
    expect(await t.core.openConfirmation(apart.user_code, REMOTE)).toMatchObject({ confirmation: { step: 'match' } });
    await policy({ allowedNetworks: ['192.0.0.0/4'] });
    const together = await pair();
    expect(await t.core.openConfirmation(together.user_code, REMOTE)).toMatchObject({ confirmation: { step: 'approve' } });
  });
});

describe('deny: a refusal for a phone that is not near', () => {
  beforeEach(() => policy({ proximity: 'deny' }));

  it('opening the confirm screen from afar denies the code: the device hears it and gets access_denied', async () => {
    const code = await pair();
    expect(await t.core.openConfirmation(code.user_code, REMOTE)).toEqual({ ok: false, reason: 'refused' });
    expect(code.heard).toEqual(['denied']);
    expect((await code.poll()).body.error).toBe('access_denied');
  });

  it('an approval posted from afar is refused the same way; from near it goes through', async () => {
    const far = await pair();
    expect(await t.core.approve(far.user_code, t.user.id, { address: REMOTE })).toEqual({ ok: false, reason: 'refused' });
    expect((await t.store.findDeviceCode(hashSecret(far.device_code)))?.status).toBe('denied');
    const near = await pair();
    expect((await t.core.approve(near.user_code, t.user.id, { address: NEAR })).ok).toBe(true);
  });
});

describe('warn with remote limits: a limited grant for a remote approval', () => {
  beforeEach(() => policy({ proximity: 'warn', remoteScopes: ['openid', 'offline_access'], remoteRefreshTtlSeconds: 3600 }));

  it('the confirm screen warns and shows the fewer scopes; the tokens carry them and the refresh token ends with the grant', async () => {
    const code = await pair();
    const opened = await t.core.openConfirmation(code.user_code, REMOTE);
    if (!opened.ok) throw new Error(opened.reason);
    expect(opened.confirmation).toMatchObject({ step: 'warn', limited: true, scopes: ['openid', 'offline_access'] });
    await t.core.approve(code.user_code, t.user.id, { address: REMOTE });
    const tokens = (await code.poll()).body as { scope: string; refresh_token: string };
    expect(tokens.scope).toBe('openid offline_access');
    const refresh = await t.store.findRefreshToken(hashSecret(tokens.refresh_token));
    const grant = await t.store.findGrant(refresh!.grantId);
    expect(grant).toMatchObject({ scope: 'openid offline_access', refreshUntil: t.clock.now + 3_600_000, approval: { proximity: 'remote', policy: 'warn', numberMatched: false } });
    expect(refresh?.expiresAt).toBe(t.clock.now + 3_600_000);

    // A rotation never reaches past the grant's end; after it, refreshing fails.
    t.clock.advance(1800);
    const rotated = await t.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'tv' });
    expect((await t.store.findRefreshToken(hashSecret(String(rotated.body.refresh_token))))?.expiresAt).toBe(grant!.refreshUntil);
    t.clock.advance(1800);
    expect((await t.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: String(rotated.body.refresh_token), client_id: 'tv' })).body.error).toBe('invalid_grant');
  });

  it('a near approval gets everything asked for, with no end', async () => {
    const code = await pair();
    const opened = await t.core.openConfirmation(code.user_code, NEAR);
    expect(opened.ok && opened.confirmation).toMatchObject({ step: 'approve', limited: false, scopes: ['openid', 'profile', 'offline_access'] });
    await t.core.approve(code.user_code, t.user.id, { address: NEAR });
    const tokens = (await code.poll()).body as { scope: string; refresh_token: string };
    expect(tokens.scope).toBe('openid profile offline_access');
    const grant = await t.store.findGrant((await t.store.findRefreshToken(hashSecret(tokens.refresh_token)))!.grantId);
    expect(grant?.refreshUntil).toBeUndefined();
  });
});

describe('re-pairing a device replaces its sign-in', () => {
  async function signIn(deviceId: string, clientId = 'tv', userId = t.user.id) {
    const code = (await t.post('/oauth/device/code', { client_id: clientId, device_id: deviceId })).body as { device_code: string; user_code: string };
    await t.core.approve(code.user_code, userId, { address: NEAR });
    const tokens = (await t.post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: code.device_code, client_id: clientId })).body as { access_token: string };
    const grantId = String((JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid);
    const ended: DeviceEvent[] = [];
    t.core.context.events.subscribe(signInTopic(grantId), (e) => ended.push(e));
    return { grantId, ended };
  }

  it("approving a new code of the same device id ends the old sign-in (whoever's it was) and tells it; other devices and apps keep theirs", async () => {
    await t.store.createUser({ id: 'u2', email: 'bo@example.com', name: 'Bo', passwordHash: 'unused', createdAt: t.clock.now });
    const kiosk = 'kiosk-7f3a9c1e2b4d6a80';
    const first = await signIn(kiosk, 'tv', 'u2');
    const otherDevice = await signIn('kiosk-00000000000000000');
    const otherApp = await signIn(kiosk, 'other-tv');
    const second = await signIn(kiosk);
    expect((await t.store.findGrant(first.grantId))?.revokedAt).toBe(t.clock.now);
    expect(first.ended).toEqual(['ended']);
    for (const kept of [otherDevice, otherApp, second]) {
      expect((await t.store.findGrant(kept.grantId))?.revokedAt).toBeNull();
      expect(kept.ended).toEqual([]);
    }
    // The device id is stored hashed, never as sent.
    expect((await t.store.findGrant(second.grantId))?.deviceIdHash).toBe(hashSecret(kiosk));
  });
});
