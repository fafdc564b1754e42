/** Signing keys in PostgreSQL. */
import type { SigningKeyStore } from '../records/keys';
import { toSigningKey } from '../rows';
import { conflicts, rows, type PostgresDb } from './db';

const SQL = {
  insertSigningKey: 'INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at) VALUES ($1, $2, $3, $4, $5)',
  listSigningKeys: 'SELECT * FROM signing_keys ORDER BY created_at DESC, seq DESC LIMIT $1',
  replaceSigningKeyPrivateJwk: 'UPDATE signing_keys SET private_jwk = $3 WHERE kid = $1 AND private_jwk = $2',
} as const;

export function postgresSigningKeys({ pool }: PostgresDb): SigningKeyStore {
  return {
    async insertSigningKey(k) {
      await conflicts('signing key', () => pool.query(SQL.insertSigningKey, [k.kid, k.alg, k.privateJwk, k.publicJwk, k.createdAt]));
    },
    async listSigningKeys(limit) {
      return (await rows(pool, SQL.listSigningKeys, [limit])).map(toSigningKey);
    },
    async replaceSigningKeyPrivateJwk(kid, from, to) {
      return ((await pool.query(SQL.replaceSigningKeyPrivateJwk, [kid, from, to])).rowCount ?? 0) === 1;
    },
  };
}
