import type { Migration } from '../migration';

/**
 * Portal sessions and rate-limit counters (SQLite).
 *
 * sessions: the cookie holds a random 256-bit id; only its SHA-256 is stored, so a copy of the
 * database cannot be replayed as a cookie. `data` is a small JSON object of flow state (the code
 * being confirmed, the last result) so no code ever travels in a URL.
 *
 * rate_limits: one counter per key and fixed window; the limiter reads the current and the
 * previous window for a sliding estimate. Kept in the store so limits hold across restarts and
 * instances (RFC 8628 §5.1).
 */
export const migration: Migration = {
  version: 2,
  name: 'sessions-rate-limits',
  sql: `
CREATE TABLE sessions (
  id_hash    TEXT    PRIMARY KEY,
  user_id    TEXT    NOT NULL,
  auth_time  INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  data       TEXT    NOT NULL DEFAULT '{}'   -- JSON object
) STRICT;
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE rate_limits (
  key          TEXT    NOT NULL,
  window_start INTEGER NOT NULL,   -- epoch ms, a multiple of the window length
  window_end   INTEGER NOT NULL,   -- epoch ms; rows a full window past this are purged
  count        INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
) STRICT;
CREATE INDEX rate_limits_window_end ON rate_limits (window_end);
`,
};
