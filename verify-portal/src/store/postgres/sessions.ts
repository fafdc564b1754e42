/** Portal sessions in PostgreSQL. */
import type { SessionStore } from '../records/sessions';
import { toSession } from '../rows';
import { conflicts, one, type PostgresDb } from './db';

const SQL = {
  insertSession: `INSERT INTO sessions (id_hash, user_id, auth_time, created_at, expires_at, data) VALUES ($1, $2, $3, $4, $5, $6)`,
  // Keeps the new session and the user's newest live others, up to the cap; the rest go.
  trimSessions: `DELETE FROM sessions WHERE user_id = $1 AND id_hash NOT IN (
    SELECT id_hash FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY id_hash = $3 DESC, created_at DESC, id_hash LIMIT $4)`,
  sessionByHash: 'SELECT * FROM sessions WHERE id_hash = $1 AND expires_at > $2',
  updateSessionData: 'UPDATE sessions SET data = $2 WHERE id_hash = $1 AND expires_at > $3',
  deleteSession: 'DELETE FROM sessions WHERE id_hash = $1',
} as const;

export function postgresSessions({ pool, tx }: PostgresDb): SessionStore {
  return {
    async createSession(x, maxPerUser) {
      await conflicts('session', () =>
        tx(async (client) => {
          await client.query(SQL.insertSession, [x.idHash, x.userId, x.authTime, x.createdAt, x.expiresAt, x.data]);
          await client.query(SQL.trimSessions, [x.userId, x.createdAt, x.idHash, maxPerUser]);
        }),
      );
    },
    async findSession(idHash, now) {
      const row = await one(pool, SQL.sessionByHash, [idHash, now]);
      return row && toSession(row);
    },
    async updateSessionData(idHash, data, now) {
      return ((await pool.query(SQL.updateSessionData, [idHash, data, now])).rowCount ?? 0) === 1;
    },
    async deleteSession(idHash) {
      await pool.query(SQL.deleteSession, [idHash]);
    },
  };
}
