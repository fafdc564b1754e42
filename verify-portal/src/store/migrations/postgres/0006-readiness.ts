import type { Migration } from '../migration';

/**
 * The readiness probe's row (PostgreSQL). Same shape as the SQLite migration: `checkReady()`
 * upserts this one row, because only a real write proves the database takes writes (a standby,
 * a read-only transaction default or a full disk still answers reads).
 */
export const migration: Migration = {
  version: 6,
  name: 'readiness',
  sql: `
CREATE TABLE readiness (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at BIGINT  NOT NULL   -- epoch ms of the last successful probe
);
`,
};
