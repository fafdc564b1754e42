import type { Migration } from '../migration';

/**
 * Portal sessions and rate-limit counters (PostgreSQL). Same shape as the SQLite migration; see
 * there for why each table exists.
 */
export const migration: Migration = {
  version: 2,
  name: 'sessions-rate-limits',
  sql: `
CREATE TABLE sessions (
  id_hash    TEXT   PRIMARY KEY,
  user_id    TEXT   NOT NULL,
  auth_time  BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  data       TEXT   NOT NULL DEFAULT '{}'   -- JSON object
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE rate_limits (
  key          TEXT    NOT NULL,
  window_start BIGINT  NOT NULL,   -- epoch ms, a multiple of the window length
  window_end   BIGINT  NOT NULL,   -- epoch ms; rows a full window past this are purged
  count        INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_window_end ON rate_limits (window_end);
`,
};
