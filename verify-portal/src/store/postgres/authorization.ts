/** Authorization codes, pending authorization requests and consents (RFC 6749 §4.1) in PostgreSQL. */
import type { AuthorizationStore, RedeemCodeResult } from '../records/authorization';
import {
  AUTHORIZATION_CODE_COLUMNS,
  AUTHORIZATION_REQUEST_COLUMNS,
  authorizationCodeParams,
  authorizationRequestParams,
  toAuthorizationCode,
  toAuthorizationRequest,
  toConsent,
} from '../rows';
import { conflicts, one, rows, type PostgresDb } from './db';
import { insertGrant, revokeGrantAndTokens } from './grants';

const SQL = {
  insertAuthorizationCode: `INSERT INTO authorization_codes (${AUTHORIZATION_CODE_COLUMNS})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
  authorizationCodeByHash: 'SELECT * FROM authorization_codes WHERE code_hash = $1',
  // RFC 6749 §4.1.2: single use. Racing UPDATEs queue on the row lock and re-check the
  // condition once the winner commits, so exactly one of them returns the row.
  redeemAuthorizationCode: `UPDATE authorization_codes SET redeemed_at = $2
    WHERE code_hash = $1 AND redeemed_at IS NULL AND expires_at > $2 RETURNING *`,
  insertAuthorizationRequest: `INSERT INTO authorization_requests (${AUTHORIZATION_REQUEST_COLUMNS})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
  authorizationRequestByHash: 'SELECT * FROM authorization_requests WHERE id_hash = $1 AND expires_at > $2',
  takeAuthorizationRequest: 'DELETE FROM authorization_requests WHERE id_hash = $1 AND expires_at > $2 RETURNING *',
  consentOf: 'SELECT * FROM consents WHERE user_id = $1 AND client_id = $2',
  saveConsent: `INSERT INTO consents (user_id, client_id, scope, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope, updated_at = excluded.updated_at`,
  listConsents: 'SELECT * FROM consents WHERE user_id = $1 ORDER BY updated_at DESC, client_id',
  deleteConsent: 'DELETE FROM consents WHERE user_id = $1 AND client_id = $2 RETURNING user_id',
} as const;

export function postgresAuthorization({ pool, tx }: PostgresDb): AuthorizationStore {
  return {
    async insertAuthorizationCode(c) {
      await conflicts('authorization code', () => pool.query(SQL.insertAuthorizationCode, authorizationCodeParams(c)));
    },
    async findAuthorizationCode(hash) {
      const row = await one(pool, SQL.authorizationCodeByHash, [hash]);
      return row && toAuthorizationCode(row);
    },
    async redeemAuthorizationCode(hash, grant, now) {
      return conflicts('grant', () =>
        tx(async (client): Promise<RedeemCodeResult> => {
          const redeemed = await one(client, SQL.redeemAuthorizationCode, [hash, now]);
          if (redeemed) {
            const code = toAuthorizationCode(redeemed);
            if (grant.id !== code.grantId) throw new Error("redeemAuthorizationCode: the grant's id must be the code's grantId");
            await insertGrant(client, grant);
            return { status: 'redeemed', code };
          }
          // A fresh snapshot (READ COMMITTED): a racing winner's redemption and grant are visible.
          const row = await one(client, SQL.authorizationCodeByHash, [hash]);
          if (!row || row.redeemed_at === null) return { status: 'invalid' };
          // RFC 6749 §4.1.2: used twice — revoke what the first redemption issued.
          const code = toAuthorizationCode(row);
          await revokeGrantAndTokens(client, code.grantId, now);
          return { status: 'reused', code };
        }),
      );
    },
    async insertAuthorizationRequest(r) {
      await conflicts('authorization request', () => pool.query(SQL.insertAuthorizationRequest, authorizationRequestParams(r)));
    },
    async findAuthorizationRequest(idHash, now) {
      const row = await one(pool, SQL.authorizationRequestByHash, [idHash, now]);
      return row && toAuthorizationRequest(row);
    },
    async takeAuthorizationRequest(idHash, now) {
      const row = await one(pool, SQL.takeAuthorizationRequest, [idHash, now]);
      return row && toAuthorizationRequest(row);
    },
    async findConsent(userId, clientId) {
      const row = await one(pool, SQL.consentOf, [userId, clientId]);
      return row && toConsent(row);
    },
    async saveConsent(c) {
      await pool.query(SQL.saveConsent, [c.userId, c.clientId, c.scope, c.createdAt, c.updatedAt]);
    },
    async listConsents(userId) {
      return (await rows(pool, SQL.listConsents, [userId])).map(toConsent);
    },
    async deleteConsent(userId, clientId) {
      return (await rows(pool, SQL.deleteConsent, [userId, clientId])).length === 1;
    },
  };
}
