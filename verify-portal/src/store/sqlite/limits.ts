/**
 * Rate-limit windows and progressive delays in SQLite. The rate-limit counters are counted in
 * memory and written in the background (`rate-limits.ts`): exact for the one instance SQLite
 * serves. Throttles are compare-and-set rows.
 */
import type { LimitStore } from '../records/limits';
import { toThrottle } from '../rows';
import type { SqliteDb } from './db';
import type { SqliteRateLimits } from './rate-limits';

const SQL = {
  throttleOf: 'SELECT * FROM throttles WHERE subject = ? AND expires_at > ?',
  // No live row: insert, or take over an expired one. A live row makes this return nothing.
  claimNewThrottle: `INSERT INTO throttles (subject, failures, next_allowed_at, expires_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures, next_allowed_at = excluded.next_allowed_at, expires_at = excluded.expires_at
    WHERE throttles.expires_at <= ? RETURNING subject`,
  // Compare-and-set: only from the very state the caller saw.
  claimThrottle: `UPDATE throttles SET failures = ?, next_allowed_at = ?, expires_at = ?
    WHERE subject = ? AND failures = ? AND next_allowed_at = ? AND expires_at = ? AND expires_at > ? RETURNING subject`,
  clearThrottle: 'DELETE FROM throttles WHERE subject = ?',
} as const;

export function sqliteLimits({ get, run }: SqliteDb, rateLimits: SqliteRateLimits): LimitStore {
  return {
    async hitRateLimit(key, windowMs, now) {
      return rateLimits.hit(key, windowMs, now);
    },
    async peekRateLimit(key, windowMs, now) {
      return rateLimits.peek(key, windowMs, now);
    },

    async peekThrottle(subject, now) {
      const row = get(SQL.throttleOf, subject, now);
      return row && toThrottle(row);
    },
    async claimThrottle(subject, seen, next, now) {
      const row = seen
        ? get(SQL.claimThrottle, next.failures, next.nextAllowedAt, next.expiresAt, subject, seen.failures, seen.nextAllowedAt, seen.expiresAt, now)
        : get(SQL.claimNewThrottle, subject, next.failures, next.nextAllowedAt, next.expiresAt, now);
      return row !== undefined;
    },
    async clearThrottle(subject) {
      run(SQL.clearThrottle, subject);
    },
  };
}
