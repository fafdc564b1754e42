import type { Migration } from '../migration';

/**
 * SQLite schema, version 1. STRICT tables (SQLite ≥ 3.37) so a wrong type is an error, not a
 * silent coercion. Times are INTEGER epoch milliseconds; booleans are 0/1; list-valued client
 * fields are JSON arrays in TEXT.
 */
export const migration: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE users (
  id            TEXT    PRIMARY KEY,
  email         TEXT    NOT NULL UNIQUE,   -- lower-cased by the store
  name          TEXT    NOT NULL,
  password_hash TEXT    NOT NULL,
  created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE clients (
  client_id                  TEXT    PRIMARY KEY,
  name                       TEXT    NOT NULL,
  client_type                TEXT    NOT NULL CHECK (client_type IN ('public', 'confidential')),
  token_endpoint_auth_method TEXT    NOT NULL,
  secret_hash                TEXT,
  grant_types                TEXT    NOT NULL,   -- JSON array
  redirect_uris              TEXT    NOT NULL,   -- JSON array
  scopes                     TEXT    NOT NULL,   -- JSON array
  first_party                INTEGER NOT NULL CHECK (first_party IN (0, 1)),
  created_at                 INTEGER NOT NULL
) STRICT;

-- RFC 8628 device authorizations. Only the SHA-256 of the device code is stored. user_code is
-- UNIQUE: insertDeviceCode deletes an expired holder of the code first, so "unique among live
-- codes" holds and findDeviceCodeByUserCode finds at most one row.
CREATE TABLE device_codes (
  device_code_hash TEXT    PRIMARY KEY,
  user_code        TEXT    NOT NULL,
  client_id        TEXT    NOT NULL,
  scope            TEXT    NOT NULL,
  device_name      TEXT,
  device_model     TEXT,
  client_ip        TEXT,
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  poll_interval    INTEGER NOT NULL,           -- seconds (RFC 8628 §3.5)
  last_polled_at   INTEGER,
  status           TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'redeemed')),
  user_id          TEXT,
  decided_at       INTEGER
) STRICT;
CREATE UNIQUE INDEX device_codes_user_code ON device_codes (user_code);
CREATE INDEX device_codes_expires_at ON device_codes (expires_at);

CREATE TABLE grants (
  id           TEXT    PRIMARY KEY,
  user_id      TEXT    NOT NULL,
  client_id    TEXT    NOT NULL,
  scope        TEXT    NOT NULL,
  device_name  TEXT,
  device_model TEXT,
  auth_time    INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
) STRICT;
CREATE INDEX grants_user_id ON grants (user_id, created_at);

CREATE TABLE refresh_tokens (
  token_hash TEXT    PRIMARY KEY,
  grant_id   TEXT    NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
  scope      TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  rotated_at INTEGER,
  revoked_at INTEGER
) STRICT;
CREATE INDEX refresh_tokens_grant_id ON refresh_tokens (grant_id);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

-- Ordered by created_at, then rowid (insertion order) for keys made in the same millisecond.
CREATE TABLE signing_keys (
  kid         TEXT    PRIMARY KEY,
  alg         TEXT    NOT NULL,
  private_jwk TEXT    NOT NULL,
  public_jwk  TEXT    NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX signing_keys_created_at ON signing_keys (created_at);
`,
};
