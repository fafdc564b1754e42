/** Portal sessions in SQLite. */
import type { SessionRecord, SessionStore } from '../records/sessions';
import { toSession } from '../rows';
import { conflicts, type SqliteDb } from './db';

const SQL = {
  insertSession: `INSERT INTO sessions (id_hash, user_id, auth_time, created_at, expires_at, data) VALUES (?, ?, ?, ?, ?, ?)`,
  // Keeps the new session and the user's newest live others, up to the cap; the rest go.
  trimSessions: `DELETE FROM sessions WHERE user_id = ? AND id_hash NOT IN (
    SELECT id_hash FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY id_hash = ? DESC, created_at DESC, rowid DESC LIMIT ?)`,
  sessionByHash: 'SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?',
  updateSessionData: 'UPDATE sessions SET data = ? WHERE id_hash = ? AND expires_at > ?',
  deleteSession: 'DELETE FROM sessions WHERE id_hash = ?',
} as const;

export function sqliteSessions({ db, get, run }: SqliteDb): SessionStore {
  const createSessionTx = db.transaction((x: SessionRecord, maxPerUser: number) => {
    run(SQL.insertSession, x.idHash, x.userId, x.authTime, x.createdAt, x.expiresAt, x.data);
    run(SQL.trimSessions, x.userId, x.userId, x.createdAt, x.idHash, maxPerUser);
  });

  return {
    async createSession(x, maxPerUser) {
      conflicts('session', () => createSessionTx.immediate(x, maxPerUser));
    },
    async findSession(idHash, now) {
      const row = get(SQL.sessionByHash, idHash, now);
      return row && toSession(row);
    },
    async updateSessionData(idHash, data, now) {
      return run(SQL.updateSessionData, data, idHash, now).changes === 1;
    },
    async deleteSession(idHash) {
      run(SQL.deleteSession, idHash);
    },
  };
}
