/**
 * Grants and their refresh tokens in SQLite. `insertGrant` and `revokeGrantAndTokens` are also
 * steps of the device-code and authorization-code redemptions, inside their transactions.
 */
import type { GrantRecord, GrantStore, RotateResult } from '../records/grants';
import { GRANT_COLUMNS, grantParams, num, placeholders, toGrant, toRefreshToken } from '../rows';
import { conflicts, type SqliteDb } from './db';

const SQL = {
  insertGrant: `INSERT INTO grants (${GRANT_COLUMNS}) VALUES (${placeholders(GRANT_COLUMNS, 'sqlite')})`,
  grantById: 'SELECT * FROM grants WHERE id = ?',
  activeGrants: 'SELECT * FROM grants WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC',
  touchGrant: 'UPDATE grants SET last_used_at = ? WHERE id = ?',
  revokeGrant: 'UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  revokeGrantTokens: 'UPDATE refresh_tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL',
  revokeDeviceGrants: `UPDATE grants SET revoked_at = ?
    WHERE client_id = ? AND device_id_hash = ? AND revoked_at IS NULL RETURNING id`,

  insertRefreshToken: `INSERT INTO refresh_tokens (token_hash, grant_id, scope, created_at, expires_at, rotated_at, revoked_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`,
  refreshTokenByHash: 'SELECT * FROM refresh_tokens WHERE token_hash = ?',
  tokenWithGrant: `SELECT t.grant_id, t.expires_at, t.rotated_at, t.revoked_at, g.revoked_at AS grant_revoked_at
    FROM refresh_tokens t JOIN grants g ON g.id = t.grant_id WHERE t.token_hash = ?`,
  markRotated: 'UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ? AND rotated_at IS NULL',
} as const;

export function insertGrant({ run }: SqliteDb, g: GrantRecord): void {
  // STRICT tables hold booleans as 0/1.
  conflicts('grant', () => run(SQL.insertGrant, ...grantParams(g).map((v) => (typeof v === 'boolean' ? Number(v) : v))));
}

/** Revokes the grant and its refresh tokens, whatever state they are in (reuse was detected). */
export function revokeGrantAndTokens({ run }: SqliteDb, grantId: string, now: number): void {
  run(SQL.revokeGrant, now, grantId);
  run(SQL.revokeGrantTokens, now, grantId);
}

export function sqliteGrants(q: SqliteDb): GrantStore {
  const { db, get, all, run } = q;

  const revokeGrantTx = db.transaction((id: string, now: number) => {
    if (run(SQL.revokeGrant, now, id).changes === 0) return false;
    run(SQL.revokeGrantTokens, now, id);
    return true;
  });

  const revokeDeviceGrantsTx = db.transaction((clientId: string, deviceIdHash: string, now: number): string[] => {
    const ids = all(SQL.revokeDeviceGrants, now, clientId, deviceIdHash).map((r) => r.id as string);
    for (const id of ids) run(SQL.revokeGrantTokens, now, id);
    return ids;
  });

  const rotateTx = db.transaction((oldHash: string, next: { grantId: string; insert: unknown[] }, now: number): RotateResult => {
    const old = get(SQL.tokenWithGrant, oldHash);
    if (!old || old.revoked_at !== null || old.grant_revoked_at !== null) return 'invalid';
    const grantId = old.grant_id as string;
    if (old.rotated_at !== null) {
      // RFC 9700 §4.14.2: a rotated token presented again means two parties hold the family.
      revokeGrantAndTokens(q, grantId, now);
      return 'reused';
    }
    if (num(old.expires_at) <= now) return 'invalid';
    if (next.grantId !== grantId) throw new Error('rotateRefreshToken: next token must belong to the same grant');
    run(SQL.markRotated, now, oldHash);
    conflicts('refresh token', () => run(SQL.insertRefreshToken, ...next.insert));
    return 'rotated';
  });

  return {
    async createGrant(g) {
      insertGrant(q, g);
    },
    async findGrant(id) {
      const row = get(SQL.grantById, id);
      return row && toGrant(row);
    },
    async listActiveGrants(userId) {
      return all(SQL.activeGrants, userId).map(toGrant);
    },
    async touchGrant(id, now) {
      run(SQL.touchGrant, now, id);
    },
    async revokeGrant(id, now) {
      return revokeGrantTx.immediate(id, now);
    },
    async revokeDeviceGrants(clientId, deviceIdHash, now) {
      return revokeDeviceGrantsTx.immediate(clientId, deviceIdHash, now);
    },

    async insertRefreshToken(t) {
      conflicts('refresh token', () =>
        run(SQL.insertRefreshToken, t.tokenHash, t.grantId, t.scope, t.createdAt, t.expiresAt, t.rotatedAt, t.revokedAt),
      );
    },
    async findRefreshToken(hash) {
      const row = get(SQL.refreshTokenByHash, hash);
      return row && toRefreshToken(row);
    },
    async rotateRefreshToken(oldHash, next, now) {
      const insert = [next.tokenHash, next.grantId, next.scope, next.createdAt, next.expiresAt, next.rotatedAt, next.revokedAt];
      return rotateTx.immediate(oldHash, { grantId: next.grantId, insert }, now);
    },
  };
}
