/** Users in SQLite. */
import type { UserStore } from '../records/users';
import { num, toUser } from '../rows';
import { conflicts, type SqliteDb } from './db';

const SQL = {
  insertUser: 'INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
  userByEmail: 'SELECT * FROM users WHERE email = ?',
  userById: 'SELECT * FROM users WHERE id = ?',
  updatePasswordHash: 'UPDATE users SET password_hash = ? WHERE id = ?',
  countUsers: 'SELECT COUNT(*) AS n FROM users',
} as const;

export function sqliteUsers({ get, run }: SqliteDb): UserStore {
  return {
    async createUser(user) {
      conflicts('user', () =>
        run(SQL.insertUser, user.id, user.email.toLowerCase(), user.name, user.passwordHash, user.createdAt),
      );
    },
    async findUserByEmail(email) {
      const row = get(SQL.userByEmail, email.toLowerCase());
      return row && toUser(row);
    },
    async findUserById(id) {
      const row = get(SQL.userById, id);
      return row && toUser(row);
    },
    async updatePasswordHash(userId, passwordHash) {
      run(SQL.updatePasswordHash, passwordHash, userId);
    },
    async countUsers() {
      return num(get(SQL.countUsers)?.n);
    },
  };
}
