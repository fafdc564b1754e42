/**
 * Grants and their refresh tokens in PostgreSQL. `insertGrant` and `revokeGrantAndTokens` are
 * also steps of the device-code and authorization-code redemptions, inside their transactions.
 */
import type { GrantRecord, GrantStore, RotateResult } from '../records/grants';
import { GRANT_COLUMNS, grantParams, placeholders, toGrant, toRefreshToken } from '../rows';
import { conflicts, one, rows, type PostgresDb, type Queryable } from './db';

const SQL = {
  insertGrant: `INSERT INTO grants (${GRANT_COLUMNS}) VALUES (${placeholders(GRANT_COLUMNS, 'postgres')})`,
  grantById: 'SELECT * FROM grants WHERE id = $1',
  activeGrants: 'SELECT * FROM grants WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC',
  touchGrant: 'UPDATE grants SET last_used_at = $2 WHERE id = $1',
  revokeGrant: 'UPDATE grants SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id',
  revokeGrantTokens: 'UPDATE refresh_tokens SET revoked_at = $2 WHERE grant_id = $1 AND revoked_at IS NULL',
  revokeDeviceGrants: `UPDATE grants SET revoked_at = $3
    WHERE client_id = $1 AND device_id_hash = $2 AND revoked_at IS NULL RETURNING id`,

  insertRefreshToken: `INSERT INTO refresh_tokens (token_hash, grant_id, scope, created_at, expires_at, rotated_at, revoked_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  refreshTokenByHash: 'SELECT * FROM refresh_tokens WHERE token_hash = $1',
  // Rotation and revocation both lock the grant row first (then its tokens), so they serialise
  // per grant and never deadlock, and a revocation always sees a token a rotation just added.
  lockGrantOfToken: `SELECT g.id, g.revoked_at FROM grants g
    WHERE g.id = (SELECT grant_id FROM refresh_tokens WHERE token_hash = $1) FOR UPDATE`,
  markRotated: `UPDATE refresh_tokens SET rotated_at = $2
    WHERE token_hash = $1 AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > $2
    RETURNING grant_id`,
} as const;

export async function insertGrant(db: Queryable, g: GrantRecord): Promise<void> {
  await db.query(SQL.insertGrant, grantParams(g));
}

/** Revokes the grant and its refresh tokens, whatever state they are in (reuse was detected). */
export async function revokeGrantAndTokens(client: Queryable, grantId: string, now: number): Promise<void> {
  await client.query(SQL.revokeGrant, [grantId, now]);
  await client.query(SQL.revokeGrantTokens, [grantId, now]);
}

export function postgresGrants({ pool, tx }: PostgresDb): GrantStore {
  return {
    async createGrant(g) {
      await conflicts('grant', () => insertGrant(pool, g));
    },
    async findGrant(id) {
      const row = await one(pool, SQL.grantById, [id]);
      return row && toGrant(row);
    },
    async listActiveGrants(userId) {
      return (await rows(pool, SQL.activeGrants, [userId])).map(toGrant);
    },
    async touchGrant(id, now) {
      await pool.query(SQL.touchGrant, [id, now]);
    },
    async revokeDeviceGrants(clientId, deviceIdHash, now) {
      return tx(async (client) => {
        const ids = (await rows(client, SQL.revokeDeviceGrants, [clientId, deviceIdHash, now])).map((r) => r.id as string);
        for (const id of ids) await client.query(SQL.revokeGrantTokens, [id, now]);
        return ids;
      });
    },
    async revokeGrant(id, now) {
      return tx(async (client) => {
        if ((await rows(client, SQL.revokeGrant, [id, now])).length === 0) return false;
        // A separate statement (fresh snapshot once the grant row is ours) so tokens added by a
        // rotation that committed while we waited for the lock are revoked too.
        await client.query(SQL.revokeGrantTokens, [id, now]);
        return true;
      });
    },

    async insertRefreshToken(t) {
      await conflicts('refresh token', () =>
        pool.query(SQL.insertRefreshToken, [t.tokenHash, t.grantId, t.scope, t.createdAt, t.expiresAt, t.rotatedAt, t.revokedAt]),
      );
    },
    async findRefreshToken(hash) {
      const row = await one(pool, SQL.refreshTokenByHash, [hash]);
      return row && toRefreshToken(row);
    },
    async rotateRefreshToken(oldHash, next, now) {
      return conflicts('refresh token', () =>
        tx(async (client): Promise<RotateResult> => {
          const grant = await one(client, SQL.lockGrantOfToken, [oldHash]);
          if (!grant || grant.revoked_at !== null) return 'invalid';
          const grantId = grant.id as string;

          const rotated = await one(client, SQL.markRotated, [oldHash, now]);
          if (rotated) {
            if (next.grantId !== grantId) throw new Error('rotateRefreshToken: next token must belong to the same grant');
            await client.query(SQL.insertRefreshToken, [
              next.tokenHash,
              next.grantId,
              next.scope,
              next.createdAt,
              next.expiresAt,
              next.rotatedAt,
              next.revokedAt,
            ]);
            return 'rotated';
          }

          const old = await one(client, SQL.refreshTokenByHash, [oldHash]);
          if (!old || old.revoked_at !== null || old.rotated_at === null) return 'invalid'; // revoked or expired
          // RFC 9700 §4.14.2: a rotated token presented again means two parties hold the family.
          await revokeGrantAndTokens(client, grantId, now);
          return 'reused';
        }),
      );
    },
  };
}
