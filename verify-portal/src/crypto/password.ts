import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (RFC 7914). The stored form is self-describing so the cost can be
 * raised later without breaking existing hashes:
 *
 *   scrypt$<N>$<r>$<p>$<salt, base64url>$<hash, base64url>
 */

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Upper bounds on what `verifyPassword` accepts, so a tampered hash cannot exhaust memory. */
const MAX_LOG2_N = 20;
const MAX_R = 32;
const MAX_P = 16;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** scrypt needs 128·N·r bytes (plus a little); Node's default maxmem (32 MiB) is just too small for N=2^15, r=8. */
function maxmemFor(n: number, r: number, p: number): number {
  return 128 * n * r + 128 * r * p + 1024 * 1024;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptAsync(password.normalize('NFKC'), salt, KEY_LENGTH, {
    N,
    r: R,
    p: P,
    maxmem: maxmemFor(N, R, P),
  });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Constant-time check of `password` against a string from `hashPassword`. False for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, nText, rText, pText, saltText, keyText] = parts as [string, string, string, string, string, string];
  const n = Number(nText);
  const r = Number(rText);
  const p = Number(pText);
  if (!Number.isSafeInteger(n) || n < 2 || n > 2 ** MAX_LOG2_N || (n & (n - 1)) !== 0) return false;
  if (!Number.isSafeInteger(r) || r < 1 || r > MAX_R) return false;
  if (!Number.isSafeInteger(p) || p < 1 || p > MAX_P) return false;
  const salt = Buffer.from(saltText, 'base64url');
  const expected = Buffer.from(keyText, 'base64url');
  if (salt.length < 8 || expected.length < 16) return false;
  const actual = await scryptAsync(password.normalize('NFKC'), salt, expected.length, {
    N: n,
    r,
    p,
    maxmem: maxmemFor(n, r, p),
  });
  return timingSafeEqual(actual, expected);
}
