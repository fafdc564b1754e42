/** Authorization codes, pending authorization requests and consents (RFC 6749 §4.1) in SQLite. */
import type { AuthorizationStore, RedeemCodeResult } from '../records/authorization';
import type { GrantRecord } from '../records/grants';
import {
  AUTHORIZATION_CODE_COLUMNS,
  AUTHORIZATION_REQUEST_COLUMNS,
  authorizationCodeParams,
  authorizationRequestParams,
  toAuthorizationCode,
  toAuthorizationRequest,
  toConsent,
} from '../rows';
import { conflicts, type SqliteDb } from './db';
import { insertGrant, revokeGrantAndTokens } from './grants';

const SQL = {
  insertAuthorizationCode: `INSERT INTO authorization_codes (${AUTHORIZATION_CODE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  authorizationCodeByHash: 'SELECT * FROM authorization_codes WHERE code_hash = ?',
  // RFC 6749 §4.1.2: single use. The condition makes exactly one of racing redemptions win.
  redeemAuthorizationCode: `UPDATE authorization_codes SET redeemed_at = ?
    WHERE code_hash = ? AND redeemed_at IS NULL AND expires_at > ? RETURNING *`,
  insertAuthorizationRequest: `INSERT INTO authorization_requests (${AUTHORIZATION_REQUEST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  authorizationRequestByHash: 'SELECT * FROM authorization_requests WHERE id_hash = ? AND expires_at > ?',
  takeAuthorizationRequest: 'DELETE FROM authorization_requests WHERE id_hash = ? AND expires_at > ? RETURNING *',
  consentOf: 'SELECT * FROM consents WHERE user_id = ? AND client_id = ?',
  saveConsent: `INSERT INTO consents (user_id, client_id, scope, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope, updated_at = excluded.updated_at`,
  listConsents: 'SELECT * FROM consents WHERE user_id = ? ORDER BY updated_at DESC, client_id',
  deleteConsent: 'DELETE FROM consents WHERE user_id = ? AND client_id = ?',
} as const;

export function sqliteAuthorization(q: SqliteDb): AuthorizationStore {
  const { db, get, all, run } = q;

  const redeemCodeTx = db.transaction((hash: string, grant: GrantRecord, now: number): RedeemCodeResult => {
    const redeemed = get(SQL.redeemAuthorizationCode, now, hash, now);
    if (redeemed) {
      const code = toAuthorizationCode(redeemed);
      if (grant.id !== code.grantId) throw new Error("redeemAuthorizationCode: the grant's id must be the code's grantId");
      insertGrant(q, grant);
      return { status: 'redeemed', code };
    }
    const row = get(SQL.authorizationCodeByHash, hash);
    if (!row || row.redeemed_at === null) return { status: 'invalid' };
    // RFC 6749 §4.1.2: used twice — revoke what the first redemption issued.
    const code = toAuthorizationCode(row);
    revokeGrantAndTokens(q, code.grantId, now);
    return { status: 'reused', code };
  });

  return {
    async insertAuthorizationCode(c) {
      conflicts('authorization code', () => run(SQL.insertAuthorizationCode, ...authorizationCodeParams(c)));
    },
    async findAuthorizationCode(hash) {
      const row = get(SQL.authorizationCodeByHash, hash);
      return row && toAuthorizationCode(row);
    },
    async redeemAuthorizationCode(hash, grant, now) {
      return redeemCodeTx.immediate(hash, grant, now);
    },
    async insertAuthorizationRequest(r) {
      conflicts('authorization request', () => run(SQL.insertAuthorizationRequest, ...authorizationRequestParams(r)));
    },
    async findAuthorizationRequest(idHash, now) {
      const row = get(SQL.authorizationRequestByHash, idHash, now);
      return row && toAuthorizationRequest(row);
    },
    async takeAuthorizationRequest(idHash, now) {
      const row = get(SQL.takeAuthorizationRequest, idHash, now);
      return row && toAuthorizationRequest(row);
    },
    async findConsent(userId, clientId) {
      const row = get(SQL.consentOf, userId, clientId);
      return row && toConsent(row);
    },
    async saveConsent(c) {
      run(SQL.saveConsent, c.userId, c.clientId, c.scope, c.createdAt, c.updatedAt);
    },
    async listConsents(userId) {
      return all(SQL.listConsents, userId).map(toConsent);
    },
    async deleteConsent(userId, clientId) {
      return run(SQL.deleteConsent, userId, clientId).changes === 1;
    },
  };
}
