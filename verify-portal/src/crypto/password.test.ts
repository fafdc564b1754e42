import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('round-trips and rejects a wrong password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('honours the parameters written in the hash', async () => {
    // A cheaper hash made elsewhere (N=2^10) still verifies: the string describes itself.
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.alloc(16, 7);
    const key = scryptSync('pw', salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = `scrypt$1024$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifyPassword('pw', stored)).toBe(true);
    expect(await verifyPassword('pW', stored)).toBe(false);
  });

  it('treats unicode-equivalent passwords alike (NFKC)', async () => {
    const hash = await hashPassword('caf\u00e9');
    expect(await verifyPassword('cafe\u0301', hash)).toBe(true);
  });

  it('returns false for malformed or hostile hashes instead of throwing', async () => {
    const good = await hashPassword('pw');
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
