import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaults } from '../defaults';
import { checkPassword, hashPassword, maxmemFor, needsRehash, strongerHash, verifyPassword } from './password';

/** Tests hash at N=2^10: the code path is the real one, the cost is not (one test pays it, in portal/forms/login.test.ts). */
const CHEAP = 10;
/** scrypt at N=2^10 of 'pw' with a fixed salt, made elsewhere: the string describes itself. */
const salt = Buffer.alloc(16, 7);
const LOW = `scrypt$1024$8$1$${salt.toString('base64url')}$${scryptSync('pw', salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64url')}`;

describe('password hashing', () => {
  it("today's cost is OWASP's scrypt N=2^17, r=8, p=1, which needs 128 MiB: more than Node's default maxmem", () => {
    expect(defaults.scryptLog2N).toBe(17);
    const needed = 128 * 2 ** 17 * 8;
    expect(needed).toBe(128 * 1024 * 1024);
    expect(maxmemFor(2 ** 17, 8, 1)).toBeGreaterThan(needed);
    // Without it Node refuses (its default maxmem is 32 MiB) — checked without doing the work.
    expect(() => scryptSync('pw', salt, 32, { N: 2 ** 17, r: 8, p: 1 })).toThrow(/memory limit exceeded/);
  });

  it('round-trips and rejects a wrong password', async () => {
    const hash = await hashPassword('correct horse battery staple', CHEAP);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', CHEAP), hashPassword('same', CHEAP)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('honours the parameters written in the hash', async () => {
    expect(await verifyPassword('pw', LOW)).toBe(true);
    expect(await verifyPassword('pW', LOW)).toBe(false);
  });

  it('tells a hash weaker than the cost asked for, and makes a stronger one only then', async () => {
    expect(needsRehash(LOW)).toBe(true); // against today's 2^17
    expect(needsRehash(LOW, 10)).toBe(false);
    expect(needsRehash(LOW, 11)).toBe(true);
    expect(needsRehash('not a hash')).toBe(false);
    expect(await strongerHash('pw', LOW, 10)).toBeUndefined();
    const stronger = await strongerHash('pw', LOW, 11);
    expect(stronger).toMatch(/^scrypt\$2048\$8\$1\$/);
    expect(await verifyPassword('pw', stronger!)).toBe(true);
  });

  it('checks an unknown account against a dummy hash of the same cost, and says no', async () => {
    expect(await checkPassword('pw', undefined, CHEAP)).toBe(false);
    expect(await checkPassword('pw', LOW, CHEAP)).toBe(true);
    expect(await checkPassword('nope', LOW, CHEAP)).toBe(false);
  });

  it('treats unicode-equivalent passwords alike (NFKC)', async () => {
    const hash = await hashPassword('caf\u00e9', CHEAP);
    expect(await verifyPassword('cafe\u0301', hash)).toBe(true);
  });

  it('returns false for malformed or hostile hashes instead of throwing', async () => {
    const good = await hashPassword('pw', CHEAP);
    const parts = good.split('$');
    const cases = [
      '',
      'plain',
      'bcrypt$2$10$x$y$z',
      parts.slice(0, 5).join('$'),
      ['scrypt', '1000', ...parts.slice(2)].join('$'), // N not a power of two
      ['scrypt', String(2 ** 30), ...parts.slice(2)].join('$'), // N too large (memory)
      ['scrypt', parts[1], '0', ...parts.slice(3)].join('$'),
      ['scrypt', parts[1], parts[2], parts[3], '', parts[5]].join('$'),
    ];
    for (const stored of cases) expect(await verifyPassword('pw', stored)).toBe(false);
  });
});
