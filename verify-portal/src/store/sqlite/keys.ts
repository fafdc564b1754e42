/** Signing keys in SQLite. */
import type { SigningKeyStore } from '../records/keys';
import { toSigningKey } from '../rows';
import { conflicts, type SqliteDb } from './db';

const SQL = {
  insertSigningKey: 'INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)',
  listSigningKeys: 'SELECT * FROM signing_keys ORDER BY created_at DESC, rowid DESC LIMIT ?',
  replaceSigningKeyPrivateJwk: 'UPDATE signing_keys SET private_jwk = ? WHERE kid = ? AND private_jwk = ?',
} as const;

export function sqliteSigningKeys({ all, run }: SqliteDb): SigningKeyStore {
  return {
    async insertSigningKey(k) {
      conflicts('signing key', () => run(SQL.insertSigningKey, k.kid, k.alg, k.privateJwk, k.publicJwk, k.createdAt));
    },
    async listSigningKeys(limit) {
      return all(SQL.listSigningKeys, limit).map(toSigningKey);
    },
    async replaceSigningKeyPrivateJwk(kid, from, to) {
      return run(SQL.replaceSigningKeyPrivateJwk, to, kid, from).changes === 1;
    },
  };
}
