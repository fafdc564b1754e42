/**
 * The Store contract for grants and refresh tokens (`records/grants.ts`). Registered by
 * contract.test.ts for every implementation.
 */
import { describe, expect, it } from 'vitest';
import { StoreConflictError } from '../store';
import { MIN, NEAR, T0, grant, id, refreshToken } from './fixtures';
import type { Store } from '../store';

export function grantsContract(store: Store): void {
  describe('grants and refresh tokens', () => {
    it('creates, finds, lists (newest first, active only) and touches grants', async () => {
      const userId = id('u');
      const older = grant({ userId, createdAt: T0 });
      const newer = grant({ userId, createdAt: T0 + MIN, deviceModel: 'Pi 5' });
      const revoked = grant({ userId, createdAt: T0 + 2 * MIN });
      for (const g of [older, newer, revoked]) await store.createGrant(g);
      await store.createGrant(grant());
      expect(await store.revokeGrant(revoked.id, T0 + 3 * MIN)).toBe(true);

      expect(await store.findGrant(newer.id)).toEqual(newer);
      expect(await store.listActiveGrants(userId)).toEqual([newer, older]);
      expect(await store.listActiveGrants('nobody')).toEqual([]);

      await store.touchGrant(older.id, T0 + 5 * MIN);
      expect((await store.findGrant(older.id))?.lastUsedAt).toBe(T0 + 5 * MIN);
      expect(await store.findGrant('unknown')).toBeUndefined();
      await expect(store.createGrant(older)).rejects.toBeInstanceOf(StoreConflictError);
    });

    it('revokes every live grant of one device of one client, with their refresh tokens, and says which', async () => {
      const device = id('device');
      const mine = grant({ clientId: 'kiosk', deviceIdHash: device, approval: NEAR });
      const someoneElses = grant({ clientId: 'kiosk', deviceIdHash: device });
      const otherDevice = grant({ clientId: 'kiosk', deviceIdHash: id('device') });
      const otherClient = grant({ clientId: 'tv', deviceIdHash: device });
      const noDevice = grant({ clientId: 'kiosk' });
      const alreadyRevoked = grant({ clientId: 'kiosk', deviceIdHash: device });
      for (const g of [mine, someoneElses, otherDevice, otherClient, noDevice, alreadyRevoked]) await store.createGrant(g);
      await store.revokeGrant(alreadyRevoked.id, T0 + MIN);
      const token = refreshToken(mine.id);
      await store.insertRefreshToken(token);
      expect(await store.findGrant(mine.id)).toEqual(mine);

      expect((await store.revokeDeviceGrants('kiosk', device, T0 + 2 * MIN)).sort()).toEqual([mine.id, someoneElses.id].sort());
      expect((await store.findGrant(mine.id))?.revokedAt).toBe(T0 + 2 * MIN);
      expect((await store.findRefreshToken(token.tokenHash))?.revokedAt).toBe(T0 + 2 * MIN);
      expect((await store.findGrant(alreadyRevoked.id))?.revokedAt).toBe(T0 + MIN);
      for (const g of [otherDevice, otherClient, noDevice]) expect((await store.findGrant(g.id))?.revokedAt).toBeNull();
      expect(await store.revokeDeviceGrants('kiosk', device, T0 + 3 * MIN)).toEqual([]);
    });

    it('revoking a grant revokes its refresh tokens, once', async () => {
      const g = grant();
      await store.createGrant(g);
      const a = refreshToken(g.id);
      const b = refreshToken(g.id);
      const otherGrant = grant();
      await store.createGrant(otherGrant);
      const other = refreshToken(otherGrant.id);
      for (const t of [a, b, other]) await store.insertRefreshToken(t);
      expect(await store.findRefreshToken(a.tokenHash)).toEqual(a);

      expect(await store.revokeGrant(g.id, T0 + MIN)).toBe(true);
      expect((await store.findGrant(g.id))?.revokedAt).toBe(T0 + MIN);
      expect((await store.findRefreshToken(a.tokenHash))?.revokedAt).toBe(T0 + MIN);
      expect((await store.findRefreshToken(b.tokenHash))?.revokedAt).toBe(T0 + MIN);
      expect((await store.findRefreshToken(other.tokenHash))?.revokedAt).toBeNull();

      expect(await store.revokeGrant(g.id, T0 + 2 * MIN)).toBe(false);
      expect((await store.findGrant(g.id))?.revokedAt).toBe(T0 + MIN);
      expect(await store.revokeGrant('unknown', T0)).toBe(false);
    });

    it('rejects a duplicate refresh token hash and a token of an unknown grant', async () => {
      const g = grant();
      await store.createGrant(g);
      const t = refreshToken(g.id);
      await store.insertRefreshToken(t);
      await expect(store.insertRefreshToken(t)).rejects.toBeInstanceOf(StoreConflictError);
      await expect(store.insertRefreshToken(refreshToken('no-such-grant'))).rejects.toThrow();
    });

    it('rotates a live refresh token and stores its successor', async () => {
      const g = grant();
      await store.createGrant(g);
      const old = refreshToken(g.id);
      await store.insertRefreshToken(old);
      const next = refreshToken(g.id, { createdAt: T0 + MIN });
      expect(await store.rotateRefreshToken(old.tokenHash, next, T0 + MIN)).toBe('rotated');
      expect(await store.findRefreshToken(old.tokenHash)).toEqual({ ...old, rotatedAt: T0 + MIN });
      expect(await store.findRefreshToken(next.tokenHash)).toEqual(next);

      const third = refreshToken(g.id, { createdAt: T0 + 2 * MIN });
      expect(await store.rotateRefreshToken(next.tokenHash, third, T0 + 2 * MIN)).toBe('rotated');
    });

    it('reuse of a rotated token revokes the grant and all its tokens (RFC 9700 §4.14.2)', async () => {
      const g = grant();
      await store.createGrant(g);
      const old = refreshToken(g.id);
      await store.insertRefreshToken(old);
      const next = refreshToken(g.id);
      expect(await store.rotateRefreshToken(old.tokenHash, next, T0 + MIN)).toBe('rotated');

      const attacker = refreshToken(g.id);
      expect(await store.rotateRefreshToken(old.tokenHash, attacker, T0 + 2 * MIN)).toBe('reused');
      expect(await store.findRefreshToken(attacker.tokenHash)).toBeUndefined();
      expect((await store.findGrant(g.id))?.revokedAt).toBe(T0 + 2 * MIN);
      expect((await store.findRefreshToken(old.tokenHash))?.revokedAt).toBe(T0 + 2 * MIN);
      expect((await store.findRefreshToken(next.tokenHash))?.revokedAt).toBe(T0 + 2 * MIN);

      // The legitimate holder's token is dead now too.
      expect(await store.rotateRefreshToken(next.tokenHash, refreshToken(g.id), T0 + 3 * MIN)).toBe('invalid');
      expect(await store.rotateRefreshToken(old.tokenHash, refreshToken(g.id), T0 + 3 * MIN)).toBe('invalid');
    });

    it("answers 'invalid' for unknown, revoked or expired tokens and changes nothing", async () => {
      const g = grant();
      await store.createGrant(g);
      expect(await store.rotateRefreshToken('unknown', refreshToken(g.id), T0)).toBe('invalid');

      const expired = refreshToken(g.id, { expiresAt: T0 + MIN });
      await store.insertRefreshToken(expired);
      const next = refreshToken(g.id);
      expect(await store.rotateRefreshToken(expired.tokenHash, next, T0 + MIN)).toBe('invalid');
      expect(await store.findRefreshToken(expired.tokenHash)).toEqual(expired);
      expect(await store.findRefreshToken(next.tokenHash)).toBeUndefined();
      expect((await store.findGrant(g.id))?.revokedAt).toBeNull();

      const live = refreshToken(g.id);
      await store.insertRefreshToken(live);
      await store.revokeGrant(g.id, T0 + 2 * MIN);
      expect(await store.rotateRefreshToken(live.tokenHash, refreshToken(g.id), T0 + 3 * MIN)).toBe('invalid');
      expect((await store.findRefreshToken(live.tokenHash))?.rotatedAt).toBeNull();
    });

    it('race: 10 parallel rotations of one token give exactly one rotated', async () => {
      const g = grant();
      await store.createGrant(g);
      const old = refreshToken(g.id);
      await store.insertRefreshToken(old);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.rotateRefreshToken(old.tokenHash, refreshToken(g.id), T0 + MIN)),
      );
      expect(results.filter((r) => r === 'rotated')).toHaveLength(1);
      // The losers presented a token that had just been rotated: that is reuse, so the family is revoked.
      expect(results.filter((r) => r === 'reused').length).toBeGreaterThanOrEqual(1);
      expect((await store.findGrant(g.id))?.revokedAt).toBe(T0 + MIN);
    });
  });
}
