import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { SigningKeyRecord, Store } from '../../store/store';
import { KeyEncryptionError, openPrivateJwk, plaintextKeys, sealedWith, sealPrivateJwk, type KeyEncryption } from './key-encryption';

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
  /** Seals every stored private key not yet under the current key encryption key; how many it changed. */
  reencrypt(): Promise<number>;
}

/** How many keys the JWKS publishes: current + previous, so a rotation never breaks verifiers. */
const PUBLISHED_KEYS = 2;

/** More keys than any deployment keeps: `reencrypt()` reaches every row, not just the published ones. */
const ALL_KEYS = 10_000;

/**
 * ES256 signing keys kept in the store, their private halves sealed under `encryption` (see
 * `key-encryption.ts`). The first start makes one; `rotate()` (the admin command) adds a newer
 * one. Each instance re-reads the keys every `cacheSeconds` so a rotation done elsewhere is
 * picked up.
 */
export function createKeyRing(store: Store, cacheSeconds: number, now: () => number = Date.now, encryption: KeyEncryption = plaintextKeys): KeyRing {
  let cache: { loadedAt: number; records: SigningKeyRecord[]; current: Promise<SigningKey> } | undefined;

  async function load(): Promise<NonNullable<typeof cache>> {
    if (cache && now() - cache.loadedAt < cacheSeconds * 1000) return cache;
    let records = await store.listSigningKeys(PUBLISHED_KEYS);
    if (records.length === 0) {
      await insertNewKey(store, now(), encryption);
      records = await store.listSigningKeys(PUBLISHED_KEYS);
    }
    const newest = records[0];
    if (!newest) throw new Error('No signing key could be created.');
    cache = { loadedAt: now(), records, current: importSigningKey(newest, encryption) };
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
      const kid = await insertNewKey(store, now(), encryption);
      cache = undefined;
      return kid;
    },
    async reencrypt() {
      const kek = encryption.current;
      if (!kek) throw new KeyEncryptionError('Set PAIRGATE_KEY_ENCRYPTION_KEY to the key to encrypt with (and PAIRGATE_KEY_ENCRYPTION_KEYS_OLD to the ones the keys are encrypted with now).');
      let changed = 0;
      for (const record of await store.listSigningKeys(ALL_KEYS)) {
        if (sealedWith(record.privateJwk) === kek.id) continue;
        const sealed = sealPrivateJwk(openPrivateJwk(record.privateJwk, record.kid, encryption), record.kid, encryption);
        // Conditional on the row being unchanged, so two admins re-encrypting at once cannot lose a key.
        if (await store.replaceSigningKeyPrivateJwk(record.kid, record.privateJwk, sealed)) changed += 1;
      }
      cache = undefined;
      return changed;
    },
  };
}

async function insertNewKey(store: Store, createdAt: number, encryption: KeyEncryption): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = crypto.randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  await store.insertSigningKey({
    kid,
    alg: 'ES256',
    privateJwk: sealPrivateJwk(JSON.stringify(privateJwk), kid, encryption),
    publicJwk: JSON.stringify(publicJwk),
    createdAt,
  });
  return kid;
}

async function importSigningKey(record: SigningKeyRecord, encryption: KeyEncryption): Promise<SigningKey> {
  const key = await importJWK(JSON.parse(openPrivateJwk(record.privateJwk, record.kid, encryption)) as JWK, 'ES256');
  if (!(key instanceof CryptoKey)) throw new Error('Signing key did not import as a CryptoKey.');
  return { kid: record.kid, alg: 'ES256', privateKey: key };
}
