import type { Migration } from '../migration';

/**
 * Client authentication and the machine flows (PostgreSQL). Same shape as the SQLite migration.
 *
 * clients gains:
 *   jwks               the client's public keys for private_key_jwt (RFC 7523 §2.2), a JWK Set in TEXT;
 *   allowed_audiences  the APIs it may ask tokens for (`audience`, RFC 8707 `resource`), JSON array;
 *   require_pkce       PKCE even for a confidential client (RFC 9700 §2.1.1);
 *   response_types     what it may ask of the authorization endpoint, JSON array; clients that
 *                      already have the authorization_code grant get ["code"], the one they use.
 *
 * client_assertion_jtis: the `jti` of every accepted client assertion until it expires, so an
 * assertion is accepted once (RFC 7523 §3 item 7). The primary key makes the insert the check.
 */
export const migration: Migration = {
  version: 4,
  name: 'client-auth',
  sql: `
ALTER TABLE clients
  ADD COLUMN jwks              TEXT,
  ADD COLUMN allowed_audiences TEXT    NOT NULL DEFAULT '[]',
  ADD COLUMN require_pkce      BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN response_types    TEXT    NOT NULL DEFAULT '[]';
UPDATE clients SET response_types = '["code"]' WHERE grant_types::jsonb ? 'authorization_code';

CREATE TABLE client_assertion_jtis (
  client_id  TEXT   NOT NULL,
  jti        TEXT   NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (client_id, jti)
);
CREATE INDEX client_assertion_jtis_expires_at ON client_assertion_jtis (expires_at);
`,
};
