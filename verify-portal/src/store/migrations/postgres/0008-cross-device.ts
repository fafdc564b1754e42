import type { Migration } from '../migration';

/**
 * Cross-device protection and sign-ins that end on the screen (PostgreSQL; issues 11 and 13,
 * RFC 10027). Same shape as the SQLite migration, whose comment says what each column is for.
 */
export const migration: Migration = {
  version: 8,
  name: 'cross-device',
  sql: `
ALTER TABLE clients
  ADD COLUMN proximity                  TEXT    NOT NULL DEFAULT 'warn' CHECK (proximity IN ('off', 'warn', 'step-up', 'deny')),
  ADD COLUMN allowed_networks           TEXT    NOT NULL DEFAULT '[]',
  ADD COLUMN remote_scopes              TEXT,
  ADD COLUMN remote_refresh_ttl_seconds INTEGER,
  ADD COLUMN device_code_ttl_seconds    INTEGER,
  ADD COLUMN user_code_kind             TEXT    NOT NULL DEFAULT 'letters' CHECK (user_code_kind IN ('letters', 'digits'));

ALTER TABLE device_codes
  ADD COLUMN device_id_hash   TEXT,
  ADD COLUMN match_number     TEXT,
  ADD COLUMN match_choices    TEXT,
  ADD COLUMN grant_id         TEXT,
  ADD COLUMN proximity        TEXT    CHECK (proximity IN ('near', 'remote', 'unknown')),
  ADD COLUMN proximity_policy TEXT,
  ADD COLUMN number_matched   BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX device_codes_grant_id ON device_codes (grant_id) WHERE grant_id IS NOT NULL;

ALTER TABLE grants
  ADD COLUMN device_id_hash   TEXT,
  ADD COLUMN proximity        TEXT    CHECK (proximity IN ('near', 'remote', 'unknown')),
  ADD COLUMN proximity_policy TEXT,
  ADD COLUMN number_matched   BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN refresh_until    BIGINT;
CREATE INDEX grants_live_device ON grants (client_id, device_id_hash) WHERE revoked_at IS NULL AND device_id_hash IS NOT NULL;
`,
};
