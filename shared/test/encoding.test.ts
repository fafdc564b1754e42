import { describe, expect, it } from 'vitest';
import {
  base64Encode,
  base64urlDecode,
  base64urlEncode,
  generateRandomToken,
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
