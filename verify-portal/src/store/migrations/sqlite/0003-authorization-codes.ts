import type { Migration } from '../migration';

/**
 * Authorization Code + PKCE (SQLite): codes, pending authorization requests, consents.
 *
 * authorization_codes: only the SHA-256 of the code is stored (like device codes). Each row is
 * bound to its client, redirect URI, PKCE challenge and nonce (RFC 6749 §4.1.3, RFC 7636 §4.6)
 * and carries the id of the grant it turns into, so a second redemption can revoke everything
 * the first one issued (RFC 6749 §4.1.2). Redemption is one conditional UPDATE.
 *
 * authorization_requests: a validated request waiting for consent, keyed by the hash of a
 * random id, so the consent page never trusts anything the browser sends back.
 *
 * consents: one row per person and client: the scopes they allowed (OIDC Core §3.1.2.4).
 */
export const migration: Migration = {
  version: 3,
  name: 'authorization-codes',
  sql: `
CREATE TABLE authorization_codes (
  code_hash      TEXT    PRIMARY KEY,
  client_id      TEXT    NOT NULL,
  user_id        TEXT    NOT NULL,
  redirect_uri   TEXT    NOT NULL,
  scope          TEXT    NOT NULL,
  nonce          TEXT,
  code_challenge TEXT,              -- S256 only (RFC 7636 §4.2)
  auth_time      INTEGER NOT NULL,
  grant_id       TEXT    NOT NULL UNIQUE,
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  redeemed_at    INTEGER
) STRICT;
CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at);

CREATE TABLE authorization_requests (
  id_hash        TEXT    PRIMARY KEY,
  user_id        TEXT    NOT NULL,
  client_id      TEXT    NOT NULL,
  redirect_uri   TEXT    NOT NULL,
  scope          TEXT    NOT NULL,
  state          TEXT,
  nonce          TEXT,
  code_challenge TEXT,
  auth_time      INTEGER NOT NULL,
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX authorization_requests_expires_at ON authorization_requests (expires_at);

CREATE TABLE consents (
  user_id    TEXT    NOT NULL,
  client_id  TEXT    NOT NULL,
  scope      TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, client_id)
) STRICT;
`,
};
