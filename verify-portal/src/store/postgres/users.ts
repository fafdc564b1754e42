/** Users in PostgreSQL. */
import type { UserStore } from '../records/users';
import { num, toUser } from '../rows';
import { conflicts, one, type PostgresDb } from './db';

const SQL = {
  insertUser: 'INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)',
  userByEmail: 'SELECT * FROM users WHERE email = $1',
  userById: 'SELECT * FROM users WHERE id = $1',
  updatePasswordHash: 'UPDATE users SET password_hash = $2 WHERE id = $1',
  countUsers: 'SELECT COUNT(*) AS n FROM users',
} as const;

export function postgresUsers({ pool }: PostgresDb): UserStore {
  return {
    async createUser(user) {
      await conflicts('user', () =>
        pool.query(SQL.insertUser, [user.id, user.email.toLowerCase(), user.name, user.passwordHash, user.createdAt]),
      );
    },
    async findUserByEmail(email) {
      const row = await one(pool, SQL.userByEmail, [email.toLowerCase()]);
      return row && toUser(row);
    },
    async findUserById(id) {
      const row = await one(pool, SQL.userById, [id]);
      return row && toUser(row);
    },
    async updatePasswordHash(userId, passwordHash) {
      await pool.query(SQL.updatePasswordHash, [userId, passwordHash]);
    },
    async countUsers() {
      return num((await one(pool, SQL.countUsers))?.n);
    },
  };
}
