import type { Migration } from '../migration';

/** Progressive delays (PostgreSQL). Same shape as the SQLite migration; see there for why. */
export const migration: Migration = {
  version: 7,
  name: 'throttles',
  sql: `
CREATE TABLE throttles (
  subject         TEXT    PRIMARY KEY,
  failures        INTEGER NOT NULL,
  next_allowed_at BIGINT  NOT NULL,   -- epoch ms
  expires_at      BIGINT  NOT NULL    -- epoch ms; the run is forgotten (and purged) from here
);
CREATE INDEX throttles_expires_at ON throttles (expires_at);
`,
};
