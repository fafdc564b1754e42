import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConfigError } from '../../config-error';

/**
 * Private signing keys at rest: AES-256-GCM (NIST SP 800-38D) under a key encryption key (KEK)
 * from the environment (`PAIRGATE_KEY_ENCRYPTION_KEY`, see `env.ts`), so a copy of the database
 * alone cannot sign tokens. The signing key's `kid` is the associated data: a sealed private key
 * cannot be moved to another key's row. Each sealed value names its KEK by a fingerprint, so the
 * KEK can be rotated: the old one is kept in `PAIRGATE_KEY_ENCRYPTION_KEYS_OLD` until
 * `npm run admin -- keys reencrypt` has sealed every row under the new one.
 */

export interface KeyEncryptionKey {
  /** A fingerprint of the secret (not the secret): which KEK sealed a row. */
  readonly id: string;
  readonly secret: Buffer;
}

export interface KeyEncryption {
  /** Seals new and re-encrypted keys; undefined → private keys are stored as plaintext JSON. */
  readonly current: KeyEncryptionKey | undefined;
  /** Earlier KEKs, only to open rows not yet re-encrypted. */
  readonly previous: readonly KeyEncryptionKey[];
}

/** No KEK configured: private keys are stored as they are (the portal warns at start). */
export const plaintextKeys: KeyEncryption = { current: undefined, previous: [] };

/** A sealed value: `aes256gcm.<KEK id>.<iv>.<ciphertext>.<tag>` (base64url). Plaintext rows are JSON and start with `{`. */
const SEALED_PREFIX = 'aes256gcm.';
/** SP 800-38D §8.2: 96-bit random IVs; a KEK seals a handful of keys, far below the 2^32 limit. */
const IV_BYTES = 12;
export const KEY_ENCRYPTION_KEY_BYTES = 32;

/** The operator's to fix (set or correct a key), so a `ConfigError`: one clear line at start, no stack. */
export class KeyEncryptionError extends ConfigError {
  override readonly name = 'KeyEncryptionError';
}

export function keyEncryptionKey(secret: Uint8Array): KeyEncryptionKey {
  if (secret.length !== KEY_ENCRYPTION_KEY_BYTES) throw new KeyEncryptionError(`A key encryption key is ${KEY_ENCRYPTION_KEY_BYTES} bytes, not ${secret.length}.`);
  // A domain-separated hash: it names the key without helping anyone guess it.
  const id = createHash('sha256').update('pairgate key encryption key id\0').update(secret).digest('base64url').slice(0, 12);
  return { id, secret: Buffer.from(secret) };
}

export function keyEncryptionOf(current: Uint8Array | undefined, previous: readonly Uint8Array[] = []): KeyEncryption {
  return { current: current ? keyEncryptionKey(current) : undefined, previous: previous.map(keyEncryptionKey) };
}

/** The id of the KEK that sealed a stored private key, or undefined when it is plaintext. */
export function sealedWith(stored: string): string | undefined {
  return stored.startsWith(SEALED_PREFIX) ? stored.split('.')[1] : undefined;
}

/** What to store for a private JWK (JSON): sealed under the current KEK, or as it is without one. */
export function sealPrivateJwk(privateJwk: string, kid: string, encryption: KeyEncryption): string {
  const kek = encryption.current;
  if (!kek) return privateJwk;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek.secret, iv);
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(privateJwk, 'utf8'), cipher.final()]);
  return [SEALED_PREFIX + kek.id, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The private JWK (JSON) from what is stored; a clear `KeyEncryptionError` when it cannot be opened. */
export function openPrivateJwk(stored: string, kid: string, encryption: KeyEncryption): string {
  const kekId = sealedWith(stored);
  if (kekId === undefined) return stored;
  const kek = [encryption.current, ...encryption.previous].find((k) => k?.id === kekId);
  if (!kek) {
    const configured = encryption.current ? 'neither PAIRGATE_KEY_ENCRYPTION_KEY nor any key in PAIRGATE_KEY_ENCRYPTION_KEYS_OLD is that key' : 'PAIRGATE_KEY_ENCRYPTION_KEY is not set';
    throw new KeyEncryptionError(`Signing key ${kid} is encrypted with key encryption key ${kekId}, but ${configured}.`);
  }
  const [, , iv, ciphertext, tag] = stored.split('.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek.secret, Buffer.from(iv ?? '', 'base64url'));
    decipher.setAAD(Buffer.from(kid, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext ?? '', 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // GCM's tag check failed: the row was altered or moved (the kid is the associated data).
    throw new KeyEncryptionError(`Signing key ${kid} could not be decrypted with key encryption key ${kekId}: the stored key was altered or belongs to another row.`);
  }
}
