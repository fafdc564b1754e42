import type { Migration } from '../migration';

/**
 * PostgreSQL schema, version 1. Times are BIGINT epoch milliseconds (the store parses them to
 * numbers itself); list-valued client fields are JSON arrays in TEXT, as in SQLite, so both
 * stores map rows the same way. Tables are created in the first schema of `search_path`.
 */
export const migration: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE users (
  id            TEXT   PRIMARY KEY,
  email         TEXT   NOT NULL UNIQUE,   -- lower-cased by the store
  name          TEXT   NOT NULL,
  password_hash TEXT   NOT NULL,
  created_at    BIGINT NOT NULL
);

CREATE TABLE clients (
  client_id                  TEXT    PRIMARY KEY,
  name                       TEXT    NOT NULL,
  client_type                TEXT    NOT NULL CHECK (client_type IN ('public', 'confidential')),
  token_endpoint_auth_method TEXT    NOT NULL,
  secret_hash                TEXT,
  grant_types                TEXT    NOT NULL,   -- JSON array
  redirect_uris              TEXT    NOT NULL,   -- JSON array
  scopes                     TEXT    NOT NULL,   -- JSON array
  first_party                BOOLEAN NOT NULL,
  created_at                 BIGINT  NOT NULL
);

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
  created_at       BIGINT  NOT NULL,
  expires_at       BIGINT  NOT NULL,
  poll_interval    INTEGER NOT NULL,           -- seconds (RFC 8628 §3.5)
  last_polled_at   BIGINT,
  status           TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'redeemed')),
  user_id          TEXT,
  decided_at       BIGINT
);
CREATE UNIQUE INDEX device_codes_user_code ON device_codes (user_code);
CREATE INDEX device_codes_expires_at ON device_codes (expires_at);

CREATE TABLE grants (
  id           TEXT   PRIMARY KEY,
  user_id      TEXT   NOT NULL,
  client_id    TEXT   NOT NULL,
  scope        TEXT   NOT NULL,
  device_name  TEXT,
  device_model TEXT,
  auth_time    BIGINT NOT NULL,
  created_at   BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at   BIGINT
);
CREATE INDEX grants_user_id ON grants (user_id, created_at);

CREATE TABLE refresh_tokens (
  token_hash TEXT   PRIMARY KEY,
  grant_id   TEXT   NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
  scope      TEXT   NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  rotated_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX refresh_tokens_grant_id ON refresh_tokens (grant_id);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

CREATE TABLE signing_keys (
  kid         TEXT   PRIMARY KEY,
  seq         BIGINT GENERATED ALWAYS AS IDENTITY,   -- insertion order: breaks created_at ties
  alg         TEXT   NOT NULL,
  private_jwk TEXT   NOT NULL,
  public_jwk  TEXT   NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX signing_keys_created_at ON signing_keys (created_at, seq);
`,
};
