import type { Migration } from '../migration';

/**
 * Progressive delays (SQLite): one row per subject (the SHA-256 of an account's email) with its
 * run of failed sign-ins, when the next attempt may come, and when the run is forgotten. See
 * `src/limits/sign-in.ts` for the rule; `Store.claimThrottle` changes a row only from the state
 * the caller saw, so racing attempts cannot share one slot.
 */
export const migration: Migration = {
  version: 7,
  name: 'throttles',
  sql: `
CREATE TABLE throttles (
  subject         TEXT    PRIMARY KEY,
  failures        INTEGER NOT NULL,
  next_allowed_at INTEGER NOT NULL,   -- epoch ms
  expires_at      INTEGER NOT NULL    -- epoch ms; the run is forgotten (and purged) from here
) STRICT;
CREATE INDEX throttles_expires_at ON throttles (expires_at);
`,
};
