import type { Migration } from '../migration';

/**
 * Cross-device protection and sign-ins that end on the screen (SQLite; issues 11 and 13, RFC
 * 10027). Same shape as the PostgreSQL migration.
 *
 * clients gains the per-client policy:
 *   proximity                   off | warn | step-up | deny: what an approval from a phone that is
 *                               not near the device gets (warn: today's warning, for every
 *                               client that exists);
 *   allowed_networks            CIDRs (JSON array) inside which device and phone count as near;
 *   remote_scopes               JSON array: the scopes kept for a remote approval without number
 *                               matching; NULL keeps them all;
 *   remote_refresh_ttl_seconds  the longest such a sign-in may last; NULL: as any other;
 *   device_code_ttl_seconds     the client's code lifetime; NULL: the server default;
 *   user_code_kind              letters (RFC 8628 §6.1 base-20) or digits (number-pad remotes).
 *
 * device_codes gains the device's stable id (SHA-256, never shown), the number-matching draw
 * (the number and the three choices in the order shown, fixed once drawn so a reload reveals
 * nothing), and the approval: the grant id fixed at approval (so "This wasn't me" can find
 * what it became) and how it was made.
 *
 * grants gain the same device id (re-pairing a device replaces its old sign-in; partial index
 * over live ones), the approval, and an absolute end for refresh (limited grants).
 */
export const migration: Migration = {
  version: 8,
  name: 'cross-device',
  sql: `
ALTER TABLE clients ADD COLUMN proximity TEXT NOT NULL DEFAULT 'warn' CHECK (proximity IN ('off', 'warn', 'step-up', 'deny'));
ALTER TABLE clients ADD COLUMN allowed_networks TEXT NOT NULL DEFAULT '[]';
ALTER TABLE clients ADD COLUMN remote_scopes TEXT;
ALTER TABLE clients ADD COLUMN remote_refresh_ttl_seconds INTEGER;
ALTER TABLE clients ADD COLUMN device_code_ttl_seconds INTEGER;
ALTER TABLE clients ADD COLUMN user_code_kind TEXT NOT NULL DEFAULT 'letters' CHECK (user_code_kind IN ('letters', 'digits'));

ALTER TABLE device_codes ADD COLUMN device_id_hash TEXT;
ALTER TABLE device_codes ADD COLUMN match_number TEXT;
ALTER TABLE device_codes ADD COLUMN match_choices TEXT;
ALTER TABLE device_codes ADD COLUMN grant_id TEXT;
ALTER TABLE device_codes ADD COLUMN proximity TEXT CHECK (proximity IN ('near', 'remote', 'unknown'));
ALTER TABLE device_codes ADD COLUMN proximity_policy TEXT;
ALTER TABLE device_codes ADD COLUMN number_matched INTEGER NOT NULL DEFAULT 0 CHECK (number_matched IN (0, 1));
CREATE INDEX device_codes_grant_id ON device_codes (grant_id) WHERE grant_id IS NOT NULL;

ALTER TABLE grants ADD COLUMN device_id_hash TEXT;
ALTER TABLE grants ADD COLUMN proximity TEXT CHECK (proximity IN ('near', 'remote', 'unknown'));
ALTER TABLE grants ADD COLUMN proximity_policy TEXT;
ALTER TABLE grants ADD COLUMN number_matched INTEGER NOT NULL DEFAULT 0 CHECK (number_matched IN (0, 1));
ALTER TABLE grants ADD COLUMN refresh_until INTEGER;
CREATE INDEX grants_live_device ON grants (client_id, device_id_hash) WHERE revoked_at IS NULL AND device_id_hash IS NOT NULL;
`,
};
