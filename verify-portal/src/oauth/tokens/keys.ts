import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { SigningKeyRecord, Store } from '../../store/store';

export interface SigningKey {
  kid: string;
  alg: 'ES256';
  privateKey: CryptoKey;
}

export interface KeyRing {
  /** The newest key: everything is signed with it. */
  signingKey(): Promise<SigningKey>;
  /** The public keys verifiers should accept: the current and the previous one. */
  jwks(): Promise<{ keys: JWK[] }>;
  /** Makes a new current key; the old one stays published as the previous key. */
  rotate(): Promise<string>;
}

/** How many keys the JWKS publishes: current + previous, so a rotation never breaks verifiers. */
const PUBLISHED_KEYS = 2;

/**
 * ES256 signing keys kept in the store. The first start makes one; `rotate()` (the admin
 * command) adds a newer one. Each instance re-reads the keys every `cacheSeconds` so a rotation
 * done elsewhere is picked up.
 */
export function createKeyRing(store: Store, cacheSeconds: number, now: () => number = Date.now): KeyRing {
  let cache: { loadedAt: number; records: SigningKeyRecord[]; current: Promise<SigningKey> } | undefined;

  async function load(): Promise<NonNullable<typeof cache>> {
    if (cache && now() - cache.loadedAt < cacheSeconds * 1000) return cache;
    let records = await store.listSigningKeys(PUBLISHED_KEYS);
    if (records.length === 0) {
      await insertNewKey(store, now());
      records = await store.listSigningKeys(PUBLISHED_KEYS);
    }
    const newest = records[0];
    if (!newest) throw new Error('No signing key could be created.');
    cache = { loadedAt: now(), records, current: importSigningKey(newest) };
    return cache;
  }

  return {
    async signingKey() {
      return (await load()).current;
    },
    async jwks() {
      const { records } = await load();
      return { keys: records.map((r) => JSON.parse(r.publicJwk) as JWK) };
    },
    async rotate() {
      const kid = await insertNewKey(store, now());
      cache = undefined;
      return kid;
    },
  };
}

async function insertNewKey(store: Store, createdAt: number): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = crypto.randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  await store.insertSigningKey({
    kid,
    alg: 'ES256',
    privateJwk: JSON.stringify(privateJwk),
    publicJwk: JSON.stringify(publicJwk),
    createdAt,
  });
  return kid;
}

async function importSigningKey(record: SigningKeyRecord): Promise<SigningKey> {
  const key = await importJWK(JSON.parse(record.privateJwk) as JWK, 'ES256');
  if (!(key instanceof CryptoKey)) throw new Error('Signing key did not import as a CryptoKey.');
  return { kid: record.kid, alg: 'ES256', privateKey: key };
}
