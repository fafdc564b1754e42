/**
 * Rehash on sign-in: a password hash made at a lower cost than today's (scrypt N=2^17) is made
 * again at today's when its owner signs in. The one test in the suite that pays the full cost,
 * once (~0.3–1.5 s, 128 MiB).
 */
import { scryptSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProvider, type Provider } from '../../oauth/provider';
import { openSqliteStore } from '../../store/sqlite';
import type { Store } from '../../store/store';
import { portalDefaults } from '../defaults';
import { cookieNames, csrfToken, newSecret } from '../session';
import { login } from './login';

const T0 = Date.UTC(2026, 0, 1, 12);
const salt = Buffer.alloc(16, 9);
/** The kind of hash an older Pairgate stored: N=2^10 (precomputed cheaply here). */
const OLD_HASH = `scrypt$1024$8$1$${salt.toString('base64url')}$${scryptSync('correct horse', salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64url')}`;
let store: Store;
let provider: Provider;

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  await store.migrate();
  await store.createUser({ id: 'u1', email: 'ada@example.com', name: 'Ada', passwordHash: OLD_HASH, createdAt: T0 });
  provider = createProvider({ store, issuer: 'http://portal.test', onUnexpectedError: () => {} });
});
afterEach(async () => {
  provider.close();
  await store.close();
});

describe('POST /login: rehash on sign-in', () => {
  it('signs in with an old, cheaper hash and replaces it with one at N=2^17', async () => {
    const names = cookieNames(false);
    const pre = newSecret();
    const result = await login(
      { store, provider, secure: false, names, settings: portalDefaults },
      { path: '/login', form: new URLSearchParams({ csrf: csrfToken(pre, 'login'), email: 'ada@example.com', password: 'correct horse', next: '/activate' }), cookies: new Map([[names.preSession, pre]]), clientIp: '198.51.100.7', now: T0 },
    );
    expect(result).toMatchObject({ kind: 'redirect', location: '/activate' });
    const stored = (await store.findUserById('u1'))?.passwordHash ?? '';
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored.split('$')[4]).not.toBe(salt.toString('base64url')); // a fresh salt
  });
});
