import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSecret } from './hash';

describe('hashSecret', () => {
  it('is base64url SHA-256 without padding', () => {
    // SHA-256("abc"), FIPS 180-2 test vector.
    const hex = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(hashSecret('abc')).toBe(Buffer.from(hex, 'hex').toString('base64url'));
    expect(hashSecret('abc')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is deterministic and distinguishes inputs', () => {
    expect(hashSecret('device-code-1')).toBe(hashSecret('device-code-1'));
    expect(hashSecret('device-code-1')).not.toBe(hashSecret('device-code-2'));
  });

  it('hashes the UTF-8 bytes', () => {
    expect(hashSecret('é')).toBe(createHash('sha256').update(Buffer.from([0xc3, 0xa9])).digest('base64url'));
  });
});
