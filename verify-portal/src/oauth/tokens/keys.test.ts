import { randomBytes } from 'node:crypto';
import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, readEnv } from '../../env';
import { openSqliteStore } from '../../store/sqlite';
import type { Store } from '../../store/store';
import { KeyEncryptionError, keyEncryptionOf, plaintextKeys, sealedWith, type KeyEncryption } from './key-encryption';
import { createKeyRing } from './keys';

let store: Store;
beforeEach(async () => {
  store = openSqliteStore(':memory:');
  await store.migrate();
});
afterEach(() => store.close());

const now = () => Date.UTC(2026, 0, 1);
const ring = (encryption: KeyEncryption) => createKeyRing(store, 60, now, encryption);
const kekA = randomBytes(32);
const kekB = randomBytes(32);

/** Signs with the ring's current key and verifies against its JWKS: the key really works. */
async function signsAndVerifies(encryption: KeyEncryption): Promise<void> {
  const keys = ring(encryption);
  const key = await keys.signingKey();
  const jwt = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);
  await expect(jwtVerify(jwt, createLocalJWKSet(await keys.jwks()))).resolves.toMatchObject({ payload: { sub: 'x' } });
}

async function storedRows() {
  return store.listSigningKeys(100);
}

describe('signing keys encrypted at rest', () => {
  it('with a key encryption key, the row holds no private key material, and the key signs', async () => {
    await signsAndVerifies(keyEncryptionOf(kekA));
    const [row] = await storedRows();
    expect(sealedWith(row!.privateJwk)).toBe(keyEncryptionOf(kekA).current?.id);
    expect(row!.privateJwk).not.toContain('"d"');
    expect(row!.privateJwk).not.toContain('{');
    // The public half is still readable: verifiers need it.
    expect(JSON.parse(row!.publicJwk)).not.toHaveProperty('d');
  });

  it('without one, keys are stored as plaintext JWKs (and plaintext rows keep working once a key is set)', async () => {
    await signsAndVerifies(plaintextKeys);
    const [row] = await storedRows();
    expect(JSON.parse(row!.privateJwk)).toHaveProperty('d');
    await signsAndVerifies(keyEncryptionOf(kekA));
  });

  it('rotating the key encryption key: the old one opens, reencrypt seals every row with the new one', async () => {
    await ring(plaintextKeys).signingKey();
    await ring(keyEncryptionOf(kekA)).rotate();
    await ring(keyEncryptionOf(kekA)).rotate();
    const rotating = keyEncryptionOf(kekB, [kekA]);
    await signsAndVerifies(rotating);
    expect(await ring(rotating).reencrypt()).toBe(3);
    expect((await storedRows()).map((r) => sealedWith(r.privateJwk))).toEqual(Array(3).fill(rotating.current?.id));
    expect(await ring(rotating).reencrypt()).toBe(0);
    // The old key can now be dropped.
    await signsAndVerifies(keyEncryptionOf(kekB));
  });

  it('the wrong key, or none, is a clear error naming the signing key and what to set', async () => {
    await ring(keyEncryptionOf(kekA)).signingKey();
    const [row] = await storedRows();
    const wrong = ring(keyEncryptionOf(kekB)).signingKey();
    await expect(wrong).rejects.toBeInstanceOf(KeyEncryptionError);
    // A ConfigError: the server reports its message alone (exit 2), never a stack.
    await expect(wrong).rejects.toBeInstanceOf(ConfigError);
    await expect(wrong).rejects.toThrow(`Signing key ${row!.kid} is encrypted with key encryption key ${keyEncryptionOf(kekA).current?.id}, but neither PAIRGATE_KEY_ENCRYPTION_KEY nor any key in PAIRGATE_KEY_ENCRYPTION_KEYS_OLD is that key.`);
    await expect(ring(plaintextKeys).signingKey()).rejects.toThrow(/is encrypted with key encryption key \S+, but PAIRGATE_KEY_ENCRYPTION_KEY is not set\./);
    await expect(ring(plaintextKeys).reencrypt()).rejects.toThrow(/Set PAIRGATE_KEY_ENCRYPTION_KEY/);
  });

  it('a sealed key moved to another row does not open (the kid is the associated data)', async () => {
    const encryption = keyEncryptionOf(kekA);
    await ring(encryption).signingKey();
    const [first] = await storedRows();
    await ring(encryption).rotate();
    const [second] = await storedRows();
    await store.replaceSigningKeyPrivateJwk(second!.kid, second!.privateJwk, first!.privateJwk);
    await expect(ring(encryption).signingKey()).rejects.toThrow(`Signing key ${second!.kid} could not be decrypted with key encryption key ${encryption.current?.id}: the stored key was altered or belongs to another row.`);
  });
});

describe('PAIRGATE_KEY_ENCRYPTION_KEY from the environment', () => {
  const env = (vars: Record<string, string>) => readEnv({ NODE_ENV: 'production', ...vars }, []);

  it('takes base64 and base64url, and a comma-separated list of old keys', () => {
    const parsed = env({ PAIRGATE_KEY_ENCRYPTION_KEY: kekA.toString('base64'), PAIRGATE_KEY_ENCRYPTION_KEYS_OLD: `${kekB.toString('base64url')}, ${kekA.toString('base64url')}` });
    expect(parsed.keyEncryption.current?.id).toBe(keyEncryptionOf(kekA).current?.id);
    expect(parsed.keyEncryption.previous.map((k) => k.id)).toEqual(keyEncryptionOf(undefined, [kekB, kekA]).previous.map((k) => k.id));
    expect(env({}).keyEncryption).toEqual(plaintextKeys);
  });

  it('refuses a key of the wrong size without echoing it, and an https issuer without a key', () => {
    const short = randomBytes(16).toString('base64url');
    const error = (() => {
      try {
        env({ PAIRGATE_KEY_ENCRYPTION_KEY: short });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^PAIRGATE_KEY_ENCRYPTION_KEY must be 32 random bytes in base64 or base64url/);
    expect((error as Error).message).not.toContain(short);
    expect(() => env({ PAIRGATE_KEY_ENCRYPTION_KEYS_OLD: 'not a key!' })).toThrow(/PAIRGATE_KEY_ENCRYPTION_KEYS_OLD must be 32 random bytes/);
    expect(() => env({ PAIRGATE_ISSUER: 'https://login.example.com' })).toThrow(/PAIRGATE_KEY_ENCRYPTION_KEY must be set for an https issuer/);
    expect(env({ PAIRGATE_ISSUER: 'https://login.example.com', PAIRGATE_KEY_ENCRYPTION_KEY: kekA.toString('base64url') }).issuer).toBe('https://login.example.com');
  });
});
