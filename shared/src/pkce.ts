/**
 * PKCE (RFC 7636) with WebCrypto. Only `S256` is offered: `plain` gives no protection when the
 * authorization request can be observed, and RFC 9700 §2.1.1 says to use S256.
 */
import { generateRandomToken, sha256Base64url } from './encoding';
import { timingSafeEqual } from './timing-safe-equal';

export const CODE_CHALLENGE_METHOD = 'S256';

/** RFC 7636 §4.1: code-verifier = 43*128unreserved, unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~". */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** base64url of a 32-byte SHA-256 digest is exactly 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function isCodeVerifier(value: string): boolean {
  return CODE_VERIFIER.test(value);
}

/** RFC 7636 §4.1: 32 random octets, base64url-encoded → a 43-character verifier (256 bits). */
export function generateCodeVerifier(): string {
  return generateRandomToken(32);
}

/** RFC 7636 §4.2: code_challenge = BASE64URL(SHA256(ASCII(code_verifier))). */
export async function computeCodeChallenge(verifier: string): Promise<string> {
  if (!isCodeVerifier(verifier)) {
    throw new TypeError('code_verifier must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)');
  }
  return sha256Base64url(verifier);
}

/**
 * Server side of RFC 7636 §4.6: does `verifier` hash to the stored S256 `challenge`? A verifier
 * with the wrong syntax is rejected outright (the token endpoint answers `invalid_grant`); the
 * final comparison is constant-time.
 */
export async function verifyCodeChallenge(verifier: string, challenge: string): Promise<boolean> {
  if (!isCodeVerifier(verifier) || !S256_CHALLENGE.test(challenge)) return false;
  return timingSafeEqual(await sha256Base64url(verifier), challenge);
}
