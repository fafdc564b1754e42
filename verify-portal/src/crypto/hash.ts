import { createHash } from 'node:crypto';

/**
 * SHA-256 of a high-entropy secret (device code, refresh token, authorization code, client
 * secret), base64url without padding. A fast hash is enough here because the input is random
 * and long; low-entropy secrets (passwords) go through `password.ts` instead.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}
