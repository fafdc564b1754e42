import type { Migration } from '../migration';

/**
 * The readiness probe's row (SQLite). `Store.checkReady()` upserts this one row: only a real
 * write proves the database can take writes (a read-only data directory, a full disk or a
 * locked file still answers reads). One row, so the probe never grows the database.
 */
export const migration: Migration = {
  version: 6,
  name: 'readiness',
  sql: `
CREATE TABLE readiness (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at INTEGER NOT NULL   -- epoch ms of the last successful probe
) STRICT;
`,
};
