/**
 * The Store contract for device codes (`records/device-codes.ts`, RFC 8628). Registered by
 * contract.test.ts for every implementation.
 */
import { describe, expect, it } from 'vitest';
import { StoreConflictError } from '../store';
import { MIN, T0, approve, deviceCode, grant, grantOfDevice, id, userCode } from './fixtures';
import type { Store } from '../store';

export function deviceCodesContract(store: Store): void {
  describe('device codes', () => {
    it('inserts and finds by hash and by user code', async () => {
      const d = deviceCode();
      expect(await store.insertDeviceCode(d)).toBe(true);
      expect(await store.findDeviceCode(d.deviceCodeHash)).toEqual(d);
      expect(await store.findDeviceCodeByUserCode(d.userCode)).toEqual(d);
      expect(await store.findDeviceCode('unknown')).toBeUndefined();
      expect(await store.findDeviceCodeByUserCode('ZZZZZZZZ')).toBeUndefined();
    });

    it('refuses a user code that is still live, and reuses one that has expired', async () => {
      const first = deviceCode();
      expect(await store.insertDeviceCode(first)).toBe(true);

      const clash = deviceCode({ userCode: first.userCode, createdAt: first.expiresAt - 1, expiresAt: first.expiresAt + 10 * MIN });
      expect(await store.insertDeviceCode(clash)).toBe(false);
      expect(await store.findDeviceCode(clash.deviceCodeHash)).toBeUndefined();
      expect(await store.findDeviceCodeByUserCode(first.userCode)).toEqual(first);

      const reuse = deviceCode({ userCode: first.userCode, createdAt: first.expiresAt, expiresAt: first.expiresAt + 10 * MIN });
      expect(await store.insertDeviceCode(reuse)).toBe(true);
      expect(await store.findDeviceCodeByUserCode(first.userCode)).toEqual(reuse);
    });

    it('race: of 10 concurrent inserts with one user code, exactly one succeeds', async () => {
      const code = userCode();
      const results = await Promise.all(Array.from({ length: 10 }, () => store.insertDeviceCode(deviceCode({ userCode: code }))));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('throws StoreConflictError for a duplicate device code hash', async () => {
      const d = deviceCode();
      await store.insertDeviceCode(d);
      await expect(store.insertDeviceCode(deviceCode({ deviceCodeHash: d.deviceCodeHash }))).rejects.toBeInstanceOf(StoreConflictError);
    });

    it('race: a conflicting insert among concurrent ones (SQLite: one batch) fails alone; the others and an expired user code taken over are stored', async () => {
      const taken = deviceCode();
      const expired = deviceCode({ createdAt: T0 - 20 * MIN, expiresAt: T0 - 10 * MIN });
      await store.insertDeviceCode(taken);
      await store.insertDeviceCode(expired);
      const before = deviceCode();
      const after = deviceCode();
      const takeOver = deviceCode({ userCode: expired.userCode, createdAt: T0 });
      const [first, duplicate, second, third] = await Promise.allSettled([
        store.insertDeviceCode(before),
        store.insertDeviceCode(deviceCode({ deviceCodeHash: taken.deviceCodeHash })),
        store.insertDeviceCode(takeOver),
        store.insertDeviceCode(after),
      ]);
      expect(duplicate.status === 'rejected' && duplicate.reason).toBeInstanceOf(StoreConflictError);
      expect([first, second, third].map((r) => r.status === 'fulfilled' && r.value)).toEqual([true, true, true]);
      for (const d of [taken, before, takeOver, after]) expect(await store.findDeviceCode(d.deviceCodeHash)).toEqual(d);
      expect(await store.findDeviceCode(expired.deviceCodeHash)).toBeUndefined();
    });

    it('records polls and raises the interval on slow_down (RFC 8628 §3.5)', async () => {
      const d = deviceCode();
      await store.insertDeviceCode(d);

      const first = await store.recordDevicePoll(d.deviceCodeHash, T0 + 1_000);
      expect(first?.tooFast).toBe(false);
      expect(first?.record).toMatchObject({ interval: 5, lastPolledAt: T0 + 1_000 });

      const early = await store.recordDevicePoll(d.deviceCodeHash, T0 + 3_000);
      expect(early?.tooFast).toBe(true);
      expect(early?.record).toMatchObject({ interval: 10, lastPolledAt: T0 + 3_000 });
      expect((await store.findDeviceCode(d.deviceCodeHash))?.interval).toBe(10);

      // 10 s is now the bar: 9.999 s later is still too fast …
      const stillEarly = await store.recordDevicePoll(d.deviceCodeHash, T0 + 12_999);
      expect(stillEarly?.tooFast).toBe(true);
      expect(stillEarly?.record.interval).toBe(15);

      // … and a poll a full interval later is fine and keeps the raised interval.
      const onTime = await store.recordDevicePoll(d.deviceCodeHash, T0 + 12_999 + 15_000);
      expect(onTime?.tooFast).toBe(false);
      expect(onTime?.record).toMatchObject({ interval: 15, lastPolledAt: T0 + 27_999 });

      expect(await store.recordDevicePoll('unknown', T0)).toBeUndefined();
    });

    it('never reports an approved code as polled too fast', async () => {
      const d = deviceCode();
      await store.insertDeviceCode(d);
      await store.recordDevicePoll(d.deviceCodeHash, T0 + 1_000);
      await store.decideDeviceCode(d.userCode, approve('u1'), T0 + 1_500);
      const poll = await store.recordDevicePoll(d.deviceCodeHash, T0 + 2_000);
      expect(poll?.tooFast).toBe(false);
      expect(poll?.record).toMatchObject({ interval: 5, status: 'approved', lastPolledAt: T0 + 2_000 });
    });

    it('decides only a pending, unexpired code, once', async () => {
      const d = deviceCode();
      await store.insertDeviceCode(d);
      const decision = approve('user-1', { proximity: 'remote', policy: 'step-up', numberMatched: true });
      const approved = await store.decideDeviceCode(d.userCode, decision, T0 + 60_000);
      expect(approved).toEqual({ ...d, status: 'approved', userId: 'user-1', decidedAt: T0 + 60_000, approval: decision.approval });
      expect(await store.findDeviceCode(d.deviceCodeHash)).toEqual(approved);
      expect(await store.decideDeviceCode(d.userCode, { status: 'denied' }, T0 + 61_000)).toBeUndefined();
      expect(await store.decideDeviceCode(d.userCode, approve('user-2'), T0 + 61_000)).toBeUndefined();
      expect((await store.findDeviceCode(d.deviceCodeHash))?.userId).toBe('user-1');

      const denied = deviceCode();
      await store.insertDeviceCode(denied);
      const deniedRecord = await store.decideDeviceCode(denied.userCode, { status: 'denied' }, T0 + 1);
      expect(deniedRecord).toMatchObject({ status: 'denied', userId: null, decidedAt: T0 + 1 });
      expect(deniedRecord?.approval).toBeUndefined();

      const expired = deviceCode();
      await store.insertDeviceCode(expired);
      expect(await store.decideDeviceCode(expired.userCode, approve('u'), expired.expiresAt)).toBeUndefined();
      expect((await store.findDeviceCode(expired.deviceCodeHash))?.status).toBe('pending');

      expect(await store.decideDeviceCode('ZZZZZZZZ', { status: 'denied' }, T0)).toBeUndefined();
    });

    it('lets exactly one of several racing decisions win', async () => {
      const d = deviceCode();
      await store.insertDeviceCode(d);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.decideDeviceCode(d.userCode, i % 2 ? { status: 'denied' } : approve(`u${i}`), T0 + 1),
        ),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });

    it('redeems an approved, unexpired code exactly once, storing its grant in the same step', async () => {
      const pending = deviceCode();
      await store.insertDeviceCode(pending);
      const unused = grant();
      expect(await store.redeemDeviceCode(pending.deviceCodeHash, unused, T0 + 1)).toBeUndefined();

      const denied = deviceCode();
      await store.insertDeviceCode(denied);
      await store.decideDeviceCode(denied.userCode, { status: 'denied' }, T0 + 1);
      expect(await store.redeemDeviceCode(denied.deviceCodeHash, unused, T0 + 2)).toBeUndefined();
      expect(await store.findGrant(unused.id)).toBeUndefined();

      const d = deviceCode({ deviceIdHash: id('device') });
      await store.insertDeviceCode(d);
      expect(await store.findDeviceCode(d.deviceCodeHash)).toEqual(d);
      const decision = approve('user-1', { proximity: 'remote', policy: 'warn', numberMatched: false });
      await store.decideDeviceCode(d.userCode, decision, T0 + 1);
      const g = { ...grantOfDevice(decision, d), refreshUntil: T0 + 60 * MIN };
      const redeemed = await store.redeemDeviceCode(d.deviceCodeHash, g, T0 + 2);
      expect(redeemed).toMatchObject({ deviceCodeHash: d.deviceCodeHash, status: 'redeemed', userId: 'user-1', approval: decision.approval });
      expect(await store.findGrant(g.id)).toEqual(g);
      expect(await store.redeemDeviceCode(d.deviceCodeHash, grant(), T0 + 3)).toBeUndefined();
      expect(await store.decideDeviceCode(d.userCode, { status: 'denied' }, T0 + 3)).toBeUndefined();

      const late = deviceCode();
      await store.insertDeviceCode(late);
      const lateDecision = approve('user-1');
      await store.decideDeviceCode(late.userCode, lateDecision, T0 + 1);
      expect(await store.redeemDeviceCode(late.deviceCodeHash, grantOfDevice(lateDecision, late), late.expiresAt)).toBeUndefined();
      expect(await store.redeemDeviceCode('unknown', grant(), T0)).toBeUndefined();
    });

    it('refuses to redeem into a grant other than the approval named, and stores nothing', async () => {
      const d = deviceCode();
      await store.insertDeviceCode(d);
      await store.decideDeviceCode(d.userCode, approve('user-1'), T0 + 1);
      const stranger = grant();
      await expect(store.redeemDeviceCode(d.deviceCodeHash, stranger, T0 + 2)).rejects.toThrow(/grantId/);
      expect((await store.findDeviceCode(d.deviceCodeHash))?.status).toBe('approved');
      expect(await store.findGrant(stranger.id)).toBeUndefined();
    });

    it('race: 50 concurrent redemptions return exactly one record and store one grant', async () => {
      const d = deviceCode();
      await store.insertDeviceCode(d);
      const decision = approve('user-1');
      await store.decideDeviceCode(d.userCode, decision, T0 + 1);
      const results = await Promise.all(Array.from({ length: 50 }, () => store.redeemDeviceCode(d.deviceCodeHash, grantOfDevice(decision, d), T0 + 2)));
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.status).toBe('redeemed');
      expect((await store.findGrant(decision.approval.grantId))?.userId).toBe('user-1');
    });

    it('draws a number match once: later draws, racing or not, get the first; never for a decided or expired code', async () => {
      const d = deviceCode();
      await store.insertDeviceCode(d);
      const first = { number: '42', choices: ['17', '42', '88'] };
      const drawn = await Promise.all(Array.from({ length: 10 }, (_, i) => store.drawNumberMatch(d.deviceCodeHash, i === 0 ? first : { number: `${20 + i}`, choices: [`${20 + i}`, '11', '99'] }, T0 + 1)));
      const winner = drawn[0]?.numberMatch;
      expect(winner).toBeDefined();
      for (const r of drawn) expect(r?.numberMatch).toEqual(winner);
      expect(winner?.choices).toContain(winner?.number);
      expect((await store.findDeviceCode(d.deviceCodeHash))?.numberMatch).toEqual(winner);
      expect((await store.drawNumberMatch(d.deviceCodeHash, first, T0 + 2))?.numberMatch).toEqual(winner);

      await store.decideDeviceCode(d.userCode, { status: 'denied' }, T0 + 3);
      expect(await store.drawNumberMatch(d.deviceCodeHash, first, T0 + 4)).toBeUndefined();
      const expired = deviceCode();
      await store.insertDeviceCode(expired);
      expect(await store.drawNumberMatch(expired.deviceCodeHash, first, expired.expiresAt)).toBeUndefined();
      expect((await store.findDeviceCode(expired.deviceCodeHash))?.numberMatch).toBeUndefined();
      expect(await store.drawNumberMatch('unknown', first, T0)).toBeUndefined();
    });

    it('withdraws an approval that has not been redeemed (denied from then on), and nothing else', async () => {
      const d = deviceCode();
      await store.insertDeviceCode(d);
      const decision = approve('user-1');
      await store.decideDeviceCode(d.userCode, decision, T0 + 1);
      expect(await store.withdrawDeviceApproval(decision.approval.grantId, 'someone-else', T0 + 2)).toBeUndefined();
      expect(await store.withdrawDeviceApproval(decision.approval.grantId, 'user-1', T0 + 2)).toMatchObject({ status: 'denied', decidedAt: T0 + 2 });
      expect(await store.redeemDeviceCode(d.deviceCodeHash, grantOfDevice(decision, d), T0 + 3)).toBeUndefined();
      expect(await store.withdrawDeviceApproval(decision.approval.grantId, 'user-1', T0 + 4)).toBeUndefined();

      // Redeemed first: the grant exists, and the withdrawal finds no approved code.
      const r = deviceCode();
      await store.insertDeviceCode(r);
      const redeemedDecision = approve('user-1');
      await store.decideDeviceCode(r.userCode, redeemedDecision, T0 + 1);
      await store.redeemDeviceCode(r.deviceCodeHash, grantOfDevice(redeemedDecision, r), T0 + 2);
      expect(await store.withdrawDeviceApproval(redeemedDecision.approval.grantId, 'user-1', T0 + 3)).toBeUndefined();
      expect((await store.findDeviceCode(r.deviceCodeHash))?.status).toBe('redeemed');
      expect(await store.withdrawDeviceApproval('unknown', 'user-1', T0)).toBeUndefined();
    });

    it('race: a withdrawal and a redemption of one approval — either the code is denied and no grant exists, or the grant exists', async () => {
      for (let i = 0; i < 5; i++) {
        const d = deviceCode();
        await store.insertDeviceCode(d);
        const decision = approve('user-1');
        await store.decideDeviceCode(d.userCode, decision, T0 + 1);
        const [withdrawn, redeemed] = await Promise.all([
          store.withdrawDeviceApproval(decision.approval.grantId, 'user-1', T0 + 2),
          store.redeemDeviceCode(d.deviceCodeHash, grantOfDevice(decision, d), T0 + 2),
        ]);
        expect([withdrawn, redeemed].filter((x) => x !== undefined)).toHaveLength(1);
        expect((await store.findGrant(decision.approval.grantId)) !== undefined).toBe(redeemed !== undefined);
      }
    });

    it('finds the pending code a device showed after an expired one (null-safe matching)', async () => {
      const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
      const old = deviceCode({ clientIp: ip, deviceName: null, createdAt: T0, expiresAt: T0 + 10 * MIN });
      await store.insertDeviceCode(old);
      const now = T0 + 11 * MIN;
      expect(await store.findReplacementDeviceCode(old, now)).toBeUndefined();
      // Another device (other name), another network, and a decided code do not count.
      await store.insertDeviceCode(deviceCode({ clientIp: ip, deviceName: 'Other TV', createdAt: T0 + 10 * MIN, expiresAt: T0 + 20 * MIN }));
      await store.insertDeviceCode(deviceCode({ clientIp: '203.0.113.99', deviceName: null, createdAt: T0 + 10 * MIN, expiresAt: T0 + 20 * MIN }));
      const denied = deviceCode({ clientIp: ip, deviceName: null, createdAt: T0 + 10 * MIN, expiresAt: T0 + 20 * MIN });
      await store.insertDeviceCode(denied);
      await store.decideDeviceCode(denied.userCode, { status: 'denied' }, T0 + 10 * MIN + 1);
      expect(await store.findReplacementDeviceCode(old, now)).toBeUndefined();
      const next = deviceCode({ clientIp: ip, deviceName: null, createdAt: T0 + 10 * MIN + 5, expiresAt: T0 + 20 * MIN });
      await store.insertDeviceCode(next);
      expect((await store.findReplacementDeviceCode(old, now))?.deviceCodeHash).toBe(next.deviceCodeHash);
      // Once that one has expired too, there is nothing to point to.
      expect(await store.findReplacementDeviceCode(old, T0 + 21 * MIN)).toBeUndefined();
    });

    it('race: concurrent polls raise the interval once per too-early poll', async () => {
      const d = deviceCode();
      await store.insertDeviceCode(d);
      await store.recordDevicePoll(d.deviceCodeHash, T0);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.recordDevicePoll(d.deviceCodeHash, T0 + 1_000)));
      expect(results.every((r) => r?.tooFast === true)).toBe(true);
      expect((await store.findDeviceCode(d.deviceCodeHash))?.interval).toBe(5 + 10 * 5);
    });
  });
}
