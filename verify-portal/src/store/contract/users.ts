/**
 * The Store contract for users (`records/users.ts`). Registered by contract.test.ts for every
 * implementation.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StoreConflictError } from '../store';
import { user } from './fixtures';
import type { Store } from '../store';

export function usersContract(store: Store): void {
  describe('users', () => {
    it('creates and finds users; email is lower-cased and case-insensitive', async () => {
      const before = await store.countUsers();
      const u = user({ email: `Ada.${randomUUID()}@Example.COM` });
      await store.createUser(u);
      const expected = { ...u, email: u.email.toLowerCase() };
      expect(await store.findUserByEmail(u.email.toUpperCase())).toEqual(expected);
      expect(await store.findUserByEmail(u.email.toLowerCase())).toEqual(expected);
      expect(await store.findUserById(u.id)).toEqual(expected);
      expect(await store.countUsers()).toBe(before + 1);
      expect(await store.findUserByEmail('nobody@example.com')).toBeUndefined();
      expect(await store.findUserById('nobody')).toBeUndefined();
    });

    it("replaces a user's password hash, and only that user's", async () => {
      const [a, b] = [user(), user()];
      for (const u of [a, b]) await store.createUser(u);
      await store.updatePasswordHash(a.id, 'scrypt$131072$8$1$new');
      expect(await store.findUserById(a.id)).toEqual({ ...a, email: a.email.toLowerCase(), passwordHash: 'scrypt$131072$8$1$new' });
      expect((await store.findUserById(b.id))?.passwordHash).toBe(b.passwordHash);
      await store.updatePasswordHash('nobody', 'x'); // no such user: nothing happens
    });

    it('rejects a duplicate email (in any case) with StoreConflictError', async () => {
      const u = user();
      await store.createUser(u);
      await expect(store.createUser(user({ email: u.email.toUpperCase() }))).rejects.toBeInstanceOf(StoreConflictError);
      await expect(store.createUser(user({ id: u.id }))).rejects.toBeInstanceOf(StoreConflictError);
    });
  });
}
