import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';
import { defaults } from '../defaults';

/**
 * Password hashing with scrypt (RFC 7914). The stored form is self-describing, so the cost can
 * be raised without breaking existing hashes (`needsRehash` tells when one is weaker than today's):
 *
 *   scrypt$<N>$<r>$<p>$<salt, base64url>$<hash, base64url>
 *
 * The cost is `defaults.scryptLog2N` (why: see src/defaults.ts); callers pass their configured one.
 */

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

/** scrypt needs 128·N·r bytes (plus a little); Node's default maxmem (32 MiB) is too small from N=2^15, r=8. */
export function maxmemFor(n: number, r: number, p: number): number {
  return 128 * n * r + 128 * r * p + 1024 * 1024;
}

export async function hashPassword(password: string, log2N: number = defaults.scryptLog2N): Promise<string> {
  const n = 2 ** log2N;
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptAsync(password.normalize('NFKC'), salt, KEY_LENGTH, { N: n, r: R, p: P, maxmem: maxmemFor(n, R, P) });
  return `scrypt$${n}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface Parsed {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [, nText, rText, pText, saltText, keyText] = parts as [string, string, string, string, string, string];
  const n = Number(nText);
  const r = Number(rText);
  const p = Number(pText);
  if (!Number.isSafeInteger(n) || n < 2 || n > 2 ** MAX_LOG2_N || (n & (n - 1)) !== 0) return undefined;
  if (!Number.isSafeInteger(r) || r < 1 || r > MAX_R) return undefined;
  if (!Number.isSafeInteger(p) || p < 1 || p > MAX_P) return undefined;
  const salt = Buffer.from(saltText, 'base64url');
  const key = Buffer.from(keyText, 'base64url');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { n, r, p, salt, key };
}

/** Constant-time check of `password` against a string from `hashPassword`. False for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h) return false;
  const actual = await scryptAsync(password.normalize('NFKC'), h.salt, h.key.length, { N: h.n, r: h.r, p: h.p, maxmem: maxmemFor(h.n, h.r, h.p) });
  return timingSafeEqual(actual, h.key);
}

/** Whether `stored` was made with less work than the cost `log2N` asks for. */
export function needsRehash(stored: string, log2N: number = defaults.scryptLog2N): boolean {
  const h = parse(stored);
  return h !== undefined && (h.n < 2 ** log2N || h.r < R || h.p < P);
}

/**
 * After a successful sign-in: a new hash of `password` at the cost `log2N` when `stored` was
 * made with less (raising the cost upgrades each account the next time its owner signs in, the
 * only time the password is at hand), else undefined.
 */
export async function strongerHash(password: string, stored: string, log2N: number = defaults.scryptLog2N): Promise<string | undefined> {
  return needsRehash(stored, log2N) ? hashPassword(password, log2N) : undefined;
}

/** One dummy hash per cost, verified against when the account does not exist. */
const dummies = new Map<number, Promise<string>>();

/**
 * The password check of a sign-in: against the account's stored hash, or — when there is no
 * such account — against a dummy hash of today's cost, so both answers take as long (no account
 * probing by timing).
 */
export async function checkPassword(password: string, stored: string | undefined, log2N: number = defaults.scryptLog2N): Promise<boolean> {
  if (stored !== undefined) return verifyPassword(password, stored);
  let dummy = dummies.get(log2N);
  if (!dummy) dummies.set(log2N, (dummy = hashPassword('pairgate-no-such-account', log2N)));
  await verifyPassword(password, await dummy);
  return false;
}
