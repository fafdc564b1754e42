import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { checkClientJwks } from './client-assertion';

describe('checkClientJwks (what the admin CLI accepts for private_key_jwt)', () => {
  it('accepts public EC, RSA and Ed25519 keys', async () => {
    const keys = await Promise.all(
      (['ES256', 'RS256', 'PS256', 'EdDSA'] as const).map(async (alg) => ({ ...(await exportJWK((await generateKeyPair(alg, { extractable: true })).publicKey)), alg })),
    );
    await expect(checkClientJwks({ keys })).resolves.toEqual({ keys });
  });

  it('refuses private and symmetric keys, other algorithms, encryption keys and junk', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const pub = await exportJWK(publicKey);
    await expect(checkClientJwks({ keys: [await exportJWK(privateKey)] })).rejects.toThrow(/private or symmetric/);
    await expect(checkClientJwks({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] })).rejects.toThrow(/private or symmetric/);
    await expect(checkClientJwks({ keys: [{ ...pub, alg: 'HS256' }] })).rejects.toThrow(/ES256, RS256, PS256, EdDSA/);
    await expect(checkClientJwks({ keys: [{ ...pub, use: 'enc' }] })).rejects.toThrow(/signing/);
    await expect(checkClientJwks({ keys: [{ ...pub, x: 'AAAA' }] })).rejects.toThrow(/not a valid ES256/);
    for (const junk of [null, [], {}, { keys: [] }, { keys: ['x'] }]) await expect(checkClientJwks(junk)).rejects.toThrow();
  });
});
