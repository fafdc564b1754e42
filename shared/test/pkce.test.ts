import { describe, expect, it } from 'vitest';
import { base64urlEncode, sha256Base64url } from '../src/encoding';
import { CODE_CHALLENGE_METHOD, computeCodeChallenge, generateCodeVerifier, isCodeVerifier, verifyCodeChallenge } from '../src/pkce';

// RFC 7636 Appendix B, verbatim: the random octets, the verifier they encode to, the SHA-256
// octets and the challenge.
const RFC_VERIFIER_OCTETS = [
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88,
  83, 132, 141, 121,
];
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE_OCTETS = [
  19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120, 173, 109, 241, 68, 86, 110, 225, 137, 74, 203,
  112, 249, 195,
];
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE', () => {
  it('offers S256 only', () => {
    expect(CODE_CHALLENGE_METHOD).toBe('S256');
  });

  it('encodes the RFC 7636 Appendix B octets as its verifier and challenge', () => {
    expect(base64urlEncode(new Uint8Array(RFC_VERIFIER_OCTETS))).toBe(RFC_VERIFIER);
    expect(base64urlEncode(new Uint8Array(RFC_CHALLENGE_OCTETS))).toBe(RFC_CHALLENGE);
  });

  it('computes the RFC 7636 Appendix B challenge', async () => {
    expect(await computeCodeChallenge(RFC_VERIFIER)).toBe(RFC_CHALLENGE);
  });

  it('generates 43-character verifiers that are valid and unique', async () => {
    const a = generateCodeVerifier();
    const b = generateCodeVerifier();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isCodeVerifier(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(await verifyCodeChallenge(a, await computeCodeChallenge(a))).toBe(true);
  });

  it('refuses to compute a challenge for an invalid verifier', async () => {
    await expect(computeCodeChallenge('too-short')).rejects.toThrow(TypeError);
  });

  describe('verifyCodeChallenge (server side)', () => {
    it('accepts the matching verifier', async () => {
      expect(await verifyCodeChallenge(RFC_VERIFIER, RFC_CHALLENGE)).toBe(true);
    });

    it('rejects a different verifier', async () => {
      expect(await verifyCodeChallenge(`${RFC_VERIFIER.slice(0, -1)}p`, RFC_CHALLENGE)).toBe(false);
    });

    it('rejects the plain method (verifier sent as its own challenge)', async () => {
      expect(await verifyCodeChallenge(RFC_VERIFIER, RFC_VERIFIER)).toBe(false);
    });

    it('enforces RFC 7636 §4.1 verifier syntax: 43–128 unreserved characters', async () => {
      const ok43 = 'a'.repeat(43);
      const ok128 = `${'A1-._~'.repeat(21)}xy`;
      expect(ok128).toHaveLength(128);
      expect(await verifyCodeChallenge(ok43, await computeCodeChallenge(ok43))).toBe(true);
      expect(await verifyCodeChallenge(ok128, await computeCodeChallenge(ok128))).toBe(true);

      const short = 'a'.repeat(42);
      const long = 'a'.repeat(129);
      const badChar = `${'a'.repeat(42)}+`;
      const space = `${'a'.repeat(42)} `;
      for (const verifier of [short, long, badChar, space, '']) {
        expect(isCodeVerifier(verifier), verifier).toBe(false);
        // Even with the challenge computed from the same text, a malformed verifier fails.
        expect(await verifyCodeChallenge(verifier, await sha256Base64url(verifier)), verifier).toBe(false);
      }
    });

    it('rejects a malformed challenge', async () => {
      expect(await verifyCodeChallenge(RFC_VERIFIER, `${RFC_CHALLENGE}=`)).toBe(false);
      expect(await verifyCodeChallenge(RFC_VERIFIER, '')).toBe(false);
    });
  });
});
