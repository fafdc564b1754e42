import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite';
import type { LimitRule } from './rules';
import { blockedFor, isOverLimit, recordFailure, retryAfterSeconds, slidingCount } from './rate-limit';

const MIN = 60_000;
const T = 1_700_000_040_000; // a whole minute
const rule: LimitRule = { name: 't', limit: 5, windowMs: MIN };

describe('sliding-window arithmetic', () => {
  it('weighs the previous window by its remaining overlap', () => {
    expect(slidingCount({ previous: 10, current: 2 }, MIN, T)).toBe(12);
    expect(slidingCount({ previous: 10, current: 2 }, MIN, T + 15_000)).toBe(9.5);
    expect(slidingCount({ previous: 10, current: 2 }, MIN, T + 45_000)).toBe(4.5);
    expect(slidingCount({ previous: 0, current: 3 }, MIN, T + 59_999)).toBe(3);
  });

  it('allows a burst of `limit`, then blocks', () => {
    expect(isOverLimit(rule, { previous: 0, current: 4 }, T + 1_000)).toBe(false);
    expect(isOverLimit(rule, { previous: 0, current: 5 }, T + 1_000)).toBe(true);
    // A full previous window keeps blocking early in the next one, then lets one through.
    expect(isOverLimit(rule, { previous: 6, current: 0 }, T + 1_000)).toBe(true);
    expect(isOverLimit(rule, { previous: 6, current: 0 }, T + 10_001)).toBe(false);
  });

  it('computes Retry-After as the time until the estimate drops below the limit', () => {
    // 5 in this window, 10 s in: wait for the window to end (50 s), then until 5·(1 − s/60) < 5 → just after.
    expect(retryAfterSeconds(rule, { previous: 0, current: 5 }, T + 10_000)).toBe(51);
    // 10 in this window: after it ends, 10·(1 − s/60) < 5 needs s > 30 s.
    expect(retryAfterSeconds(rule, { previous: 0, current: 10 }, T + 10_000)).toBe(81);
    // 5 previous, 1 current, 6 s in: 5·(1 − (6+t)/60) + 1 < 5 → t > 6 s.
    expect(retryAfterSeconds(rule, { previous: 5, current: 1 }, T + 6_000)).toBe(7);
    // Never less than one second.
    expect(retryAfterSeconds(rule, { previous: 0, current: 0 }, T)).toBe(1);
    // Consistency: waiting that long really unblocks.
    for (const [previous, current, at] of [[7, 2, 3_000], [5, 4, 59_000], [0, 9, 1], [20, 0, 30_000]] as const) {
      const counts = { previous, current };
      const wait = retryAfterSeconds(rule, counts, T + at);
      const later = T + at + wait * 1000;
      const shifted = Math.floor(later / MIN) > Math.floor((T + at) / MIN) ? { previous: current, current: 0 } : counts;
      expect(isOverLimit(rule, Math.floor(later / MIN) - Math.floor((T + at) / MIN) >= 2 ? { previous: 0, current: 0 } : shifted, later)).toBe(false);
    }
  });
});

describe('blockedFor / recordFailure (real SQLite)', () => {
  it('blocks a subject after its limit and leaves others alone', async () => {
    const store = openSqliteStore(':memory:');
    await store.migrate();
    const a = [{ rule, subject: 'a' }];
    const b = [{ rule, subject: 'b' }];
    for (let i = 0; i < 5; i++) {
      expect(await blockedFor(store, a, T + i)).toBeUndefined();
      await recordFailure(store, a, T + i);
    }
    expect(await blockedFor(store, a, T + 10)).toBe(60);
    expect(await blockedFor(store, a, T + 59_000)).toBe(2);
    expect(await blockedFor(store, a, T + 60_001)).toBeUndefined();
    expect(await blockedFor(store, b, T + 10)).toBeUndefined();
    expect(await blockedFor(store, [...b, ...a], T + 10)).toBe(60);
    await store.close();
  });
});
