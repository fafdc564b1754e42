/**
 * The Store contract for portal sessions (`records/sessions.ts`). Registered by contract.test.ts
 * for every implementation.
 */
import { describe, expect, it } from 'vitest';
import { StoreConflictError } from '../store';
import type { SessionRecord, Store } from '../store';
import { MANY, MIN, T0, id } from './fixtures';

export function sessionsContract(store: Store): void {
  describe('sessions', () => {
    const session = (over: Partial<SessionRecord> = {}): SessionRecord => ({
      idHash: id('s'),
      userId: id('u'),
      authTime: T0,
      createdAt: T0,
      expiresAt: T0 + 60 * MIN,
      data: '{}',
      ...over,
    });

    it('keeps at most maxPerUser live sessions per user: the oldest goes on the one-more sign-in', async () => {
      const userId = id('u');
      const other = session({ userId: id('u'), createdAt: T0 });
      await store.createSession(other, 3);
      const made = [];
      for (let i = 0; i < 5; i++) {
        const s = session({ userId, createdAt: T0 + i * MIN, expiresAt: T0 + 600 * MIN });
        await store.createSession(s, 3);
        made.push(s);
      }
      const live = async (s: SessionRecord) => (await store.findSession(s.idHash, T0 + 10 * MIN)) !== undefined;
      expect(await Promise.all(made.map(live))).toEqual([false, false, true, true, true]);
      // Another person's sessions are not touched.
      expect(await live(other)).toBe(true);
      // An expired session does not hold a place: it goes, and a live older one stays.
      const u2 = id('u');
      const expired = session({ userId: u2, createdAt: T0, expiresAt: T0 + MIN });
      const older = session({ userId: u2, createdAt: T0 + MIN, expiresAt: T0 + 600 * MIN });
      await store.createSession(expired, 2);
      await store.createSession(older, 2);
      await store.createSession(session({ userId: u2, createdAt: T0 + 2 * MIN, expiresAt: T0 + 600 * MIN }), 2);
      expect(await store.findSession(expired.idHash, T0)).toBeUndefined();
      expect(await live(older)).toBe(true);
    });

    it('creates, finds (until expiry), updates data and deletes sessions', async () => {
      const s = session({ data: '{"confirming":"BCDFGHJK"}' });
      await store.createSession(s, MANY);
      expect(await store.findSession(s.idHash, T0 + MIN)).toEqual(s);
      expect(await store.findSession(s.idHash, s.expiresAt)).toBeUndefined();
      expect(await store.findSession('unknown', T0)).toBeUndefined();

      expect(await store.updateSessionData(s.idHash, '{"result":{"kind":"approved"}}', T0 + MIN)).toBe(true);
      expect((await store.findSession(s.idHash, T0 + MIN))?.data).toBe('{"result":{"kind":"approved"}}');
      expect(await store.updateSessionData(s.idHash, '{}', s.expiresAt)).toBe(false);
      expect(await store.updateSessionData('unknown', '{}', T0)).toBe(false);

      await expect(store.createSession(s, MANY)).rejects.toBeInstanceOf(StoreConflictError);
      await store.deleteSession(s.idHash);
      expect(await store.findSession(s.idHash, T0 + MIN)).toBeUndefined();
      await store.deleteSession(s.idHash); // idempotent
    });
  });
}
