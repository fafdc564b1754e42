/** Rate-limit windows and progressive delays in PostgreSQL: shared by every instance. */
import type { LimitStore } from '../records/limits';
import { num, rateLimitWindow, toThrottle } from '../rows';
import { one, type PostgresDb } from './db';

const SQL = {
  // One statement, one round trip: concurrent hits on any instance serialise on the row and all
  // add up; the previous window's count comes back with it.
  hitRateLimit: `WITH hit AS (
      INSERT INTO rate_limits (key, window_start, window_end, count) VALUES ($1, $2, $3, 1)
      ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 RETURNING count)
    SELECT hit.count, (SELECT count FROM rate_limits WHERE key = $1 AND window_start = $4) AS previous FROM hit`,
  rateLimitCounts: `SELECT (SELECT count FROM rate_limits WHERE key = $1 AND window_start = $2) AS current,
    (SELECT count FROM rate_limits WHERE key = $1 AND window_start = $3) AS previous`,

  throttleOf: 'SELECT * FROM throttles WHERE subject = $1 AND expires_at > $2',
  // No live row: insert, or take over an expired one. A live row makes this return nothing;
  // racing inserts queue on the key and the losers see the winner's live row.
  claimNewThrottle: `INSERT INTO throttles (subject, failures, next_allowed_at, expires_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures, next_allowed_at = excluded.next_allowed_at, expires_at = excluded.expires_at
    WHERE throttles.expires_at <= $5 RETURNING subject`,
  // Compare-and-set: racing UPDATEs queue on the row and re-check the condition after the winner commits.
  claimThrottle: `UPDATE throttles SET failures = $1, next_allowed_at = $2, expires_at = $3
    WHERE subject = $4 AND failures = $5 AND next_allowed_at = $6 AND expires_at = $7 AND expires_at > $8 RETURNING subject`,
  clearThrottle: 'DELETE FROM throttles WHERE subject = $1',
} as const;

export function postgresLimits({ pool }: PostgresDb): LimitStore {
  return {
    async hitRateLimit(key, windowMs, now) {
      const { start, end } = rateLimitWindow(windowMs, now);
      const row = await one(pool, SQL.hitRateLimit, [key, start, end, start - windowMs]);
      return { current: num(row?.count), previous: row?.previous == null ? 0 : num(row.previous) };
    },
    async peekRateLimit(key, windowMs, now) {
      const { start } = rateLimitWindow(windowMs, now);
      const row = await one(pool, SQL.rateLimitCounts, [key, start, start - windowMs]);
      return { current: row?.current == null ? 0 : num(row.current), previous: row?.previous == null ? 0 : num(row.previous) };
    },

    async peekThrottle(subject, now) {
      const row = await one(pool, SQL.throttleOf, [subject, now]);
      return row && toThrottle(row);
    },
    async claimThrottle(subject, seen, next, now) {
      const result = seen
        ? await pool.query(SQL.claimThrottle, [next.failures, next.nextAllowedAt, next.expiresAt, subject, seen.failures, seen.nextAllowedAt, seen.expiresAt, now])
        : await pool.query(SQL.claimNewThrottle, [subject, next.failures, next.nextAllowedAt, next.expiresAt, now]);
      return (result.rowCount ?? 0) === 1;
    },
    async clearThrottle(subject) {
      await pool.query(SQL.clearThrottle, [subject]);
    },
  };
}
