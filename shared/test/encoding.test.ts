import { describe, expect, it } from 'vitest';
import {
  base64Encode,
  base64urlDecode,
  base64urlEncode,
  generateRandomToken,
  randomBytes,
  sha256Base64url,
  utf8Encode,
} from '../src/encoding';

describe('base64urlEncode / base64Encode', () => {
  // RFC 4648 §10 test vectors.
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ];

  it('matches RFC 4648 §10', () => {
    for (const [input, b64] of vectors) {
      expect(base64Encode(input)).toBe(b64);
      expect(base64urlEncode(input)).toBe(b64.replace(/=+$/, ''));
    }
  });

  it('uses the URL-safe alphabet without padding', () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf]);
    expect(base64Encode(bytes)).toBe('+/+/');
    expect(base64urlEncode(bytes)).toBe('-_-_');
  });

  it('encodes strings as UTF-8', () => {
    expect(base64Encode('é')).toBe('w6k=');
    expect(utf8Encode('é')).toEqual(new Uint8Array([0xc3, 0xa9]));
  });
});

describe('base64urlDecode', () => {
  it('round-trips random bytes of every length', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      expect(base64urlDecode(base64urlEncode(bytes))).toEqual(bytes);
    }
  });

  it('rejects non-base64url and non-canonical input', () => {
    expect(base64urlDecode('Zm9v+')).toBeUndefined();
    expect(base64urlDecode('Zg==')).toBeUndefined();
    expect(base64urlDecode('Z')).toBeUndefined(); // impossible length
    expect(base64urlDecode('Zh')).toBeUndefined(); // 'Zg' is the canonical form of 'f'
    expect(base64urlDecode('Zg')).toEqual(new Uint8Array([0x66]));
  });
});

describe('generateRandomToken', () => {
  it('is 43 base64url characters for the default 32 bytes', () => {
    const token = generateRandomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(base64urlDecode(token)).toHaveLength(32);
  });

  it('honours the byte count and rejects nonsense', () => {
    expect(base64urlDecode(generateRandomToken(16))).toHaveLength(16);
    expect(() => generateRandomToken(0)).toThrow(RangeError);
    expect(() => generateRandomToken(1.5)).toThrow(RangeError);
  });

  it('does not repeat', () => {
    expect(new Set(Array.from({ length: 500 }, () => generateRandomToken())).size).toBe(500);
  });
});

describe('sha256Base64url', () => {
  it('hashes UTF-8 text', async () => {
    // SHA-256("abc"), FIPS 180-2 Appendix B.1.
    expect(await sha256Base64url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});

describe('randomBytes (pooled)', () => {
  it('hands out every byte once, across refills of the 4 KiB pool', () => {
    // 1,000 × 32 bytes: the pool is refilled about eight times on the way.
    const draws = Array.from({ length: 1000 }, () => base64urlEncode(randomBytes(32)));
    expect(new Set(draws).size).toBe(1000);
    // Odd sizes straddle a refill: still the length asked for, still no repeats.
    const odd = Array.from({ length: 300 }, () => randomBytes(37));
    expect(odd.every((b) => b.length === 37)).toBe(true);
    expect(new Set(odd.map((b) => base64urlEncode(b))).size).toBe(300);
  });

  it('is uniform enough that every byte value shows up', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 64; i++) for (const b of randomBytes(1024)) seen.add(b);
    expect(seen.size).toBe(256);
  });

  it('returns copies: changing one does not change the next', () => {
    const first = randomBytes(16);
    first.fill(0);
    expect(randomBytes(16).some((b) => b !== 0)).toBe(true);
  });

  it('serves more than the pool holds directly, and rejects nonsense', () => {
    expect(randomBytes(10_000)).toHaveLength(10_000);
    expect(() => randomBytes(0)).toThrow(RangeError);
    expect(() => randomBytes(65_537)).toThrow(RangeError);
    expect(() => randomBytes(2.5)).toThrow(RangeError);
  });
});
