/**
 * The Store contract for rate-limit windows and progressive delays (`records/limits.ts`).
 * Registered by contract.test.ts for every implementation.
 */
import { describe, expect, it } from 'vitest';
import { MIN, T0, id } from './fixtures';
import type { Store } from '../store';

export function limitsContract(store: Store): void {
  describe('throttles (progressive delays)', () => {
    const state = (failures: number, at: number) => ({ failures, nextAllowedAt: at + failures * 1_000, expiresAt: at + 15 * MIN });

    it('claims from the state seen, forgets an expired one, and clears', async () => {
      const subject = id('th');
      expect(await store.peekThrottle(subject, T0)).toBeUndefined();
      expect(await store.claimThrottle(subject, undefined, state(1, T0), T0)).toBe(true);
      expect(await store.peekThrottle(subject, T0)).toEqual(state(1, T0));
      // A stale view (none, or an older state) claims nothing.
      expect(await store.claimThrottle(subject, undefined, state(1, T0), T0 + 1)).toBe(false);
      expect(await store.claimThrottle(subject, state(0, T0), state(2, T0), T0 + 1)).toBe(false);
      expect(await store.claimThrottle(subject, state(1, T0), state(2, T0 + 1), T0 + 1)).toBe(true);
      expect(await store.peekThrottle(subject, T0 + 2)).toEqual(state(2, T0 + 1));
      // Expired: gone for peek, and a claim from "none" takes the row over.
      const later = T0 + 1 + 15 * MIN;
      expect(await store.peekThrottle(subject, later)).toBeUndefined();
      expect(await store.claimThrottle(subject, state(2, T0 + 1), state(3, later), later)).toBe(false);
      expect(await store.claimThrottle(subject, undefined, state(1, later), later)).toBe(true);
      await store.clearThrottle(subject);
      expect(await store.peekThrottle(subject, later)).toBeUndefined();
      await store.clearThrottle(subject); // idempotent
    });

    it('race: of 20 claims from one state exactly one wins', async () => {
      const subject = id('th');
      const fresh = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimThrottle(subject, undefined, state(1, T0 + i), T0)));
      expect(fresh.filter(Boolean)).toHaveLength(1);
      const seen = await store.peekThrottle(subject, T0);
      const next = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimThrottle(subject, seen, state(2, T0 + i), T0)));
      expect(next.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('rate limits', () => {
    it('counts hits per key in fixed windows and reports the previous window', async () => {
      const key = id('rl');
      const W = MIN;
      const start = Math.floor((T0 + 7 * W) / W) * W;
      expect(await store.peekRateLimit(key, W, start)).toEqual({ current: 0, previous: 0 });
      expect(await store.hitRateLimit(key, W, start)).toEqual({ current: 1, previous: 0 });
      expect(await store.hitRateLimit(key, W, start + W - 1)).toEqual({ current: 2, previous: 0 });
      expect(await store.peekRateLimit(key, W, start + 10)).toEqual({ current: 2, previous: 0 });
      // The next window starts from zero and sees this one as "previous".
      expect(await store.hitRateLimit(key, W, start + W)).toEqual({ current: 1, previous: 2 });
      // Two windows later nothing of the first is left.
      expect(await store.peekRateLimit(key, W, start + 2 * W)).toEqual({ current: 0, previous: 1 });
      // Other keys are separate counters.
      expect(await store.hitRateLimit(id('rl'), W, start)).toEqual({ current: 1, previous: 0 });
      await expect(store.hitRateLimit(key, 0, start)).rejects.toThrow(RangeError);
    });

    it('race: 40 concurrent hits on one key are all counted', async () => {
      const key = id('rl');
      const now = T0 + 3 * MIN;
      const results = await Promise.all(Array.from({ length: 40 }, () => store.hitRateLimit(key, MIN, now)));
      expect(results.map((r) => r.current).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await store.peekRateLimit(key, MIN, now)).toEqual({ current: 40, previous: 0 });
    });
  });
}
