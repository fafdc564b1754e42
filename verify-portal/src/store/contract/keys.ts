/**
 * The Store contract for signing keys (`records/keys.ts`). Registered by contract.test.ts for
 * every implementation.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StoreConflictError } from '../store';
import type { SigningKeyRecord, Store } from '../store';
import { MIN, T0, id } from './fixtures';

export function signingKeysContract(store: Store): void {
  describe('signing keys', () => {
    it('lists keys newest first, up to the limit', async () => {
      const base = T0 + 1_000_000 * MIN; // later than anything another test inserts
      const key = (kid: string, createdAt: number): SigningKeyRecord => ({
        kid,
        alg: 'ES256',
        privateJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', d: kid }),
        publicJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', kid, alg: 'ES256', use: 'sig' }),
        createdAt,
      });
      const keys = [key(id('k'), base), key(id('k'), base + 2), key(id('k'), base + 1)];
      for (const k of keys) await store.insertSigningKey(k);
      expect(await store.listSigningKeys(2)).toEqual([keys[1], keys[2]]);
      expect((await store.listSigningKeys(10)).slice(0, 3)).toEqual([keys[1], keys[2], keys[0]]);
      await expect(store.insertSigningKey(keys[0]!)).rejects.toBeInstanceOf(StoreConflictError);

      // Keys made in the same millisecond (a fixed test clock): the one inserted last is newest.
      const tied = [key('zzz-' + randomUUID(), base + 3), key('aaa-' + randomUUID(), base + 3), key('mmm-' + randomUUID(), base + 3)];
      for (const k of tied) await store.insertSigningKey(k);
      expect((await store.listSigningKeys(3)).map((k) => k.kid)).toEqual([tied[2], tied[1], tied[0]].map((k) => k?.kid));
    });

    it('replaces a private key only while it is unchanged (re-encryption)', async () => {
      const kid = id('k');
      const record: SigningKeyRecord = { kid, alg: 'ES256', privateJwk: 'plain', publicJwk: '{}', createdAt: T0 + 2_000_000 * MIN };
      await store.insertSigningKey(record);
      expect(await store.replaceSigningKeyPrivateJwk(kid, 'plain', 'sealed-1')).toBe(true);
      expect(await store.replaceSigningKeyPrivateJwk(kid, 'plain', 'sealed-2')).toBe(false);
      expect(await store.replaceSigningKeyPrivateJwk(id('k'), 'sealed-1', 'sealed-2')).toBe(false);
      expect((await store.listSigningKeys(1))[0]).toEqual({ ...record, privateJwk: 'sealed-1' });
    });
  });
}
