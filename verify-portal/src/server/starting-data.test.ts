import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demo } from '../admin/demo';
import { verifyPassword } from '../crypto/password';
import { TEST_PASSWORD, TEST_PASSWORD_HASH } from '../crypto/test-support';
import { openSqliteStore } from '../store/sqlite';
import type { Store } from '../store/store';
import { EMPTY_DATABASE_HINT, prepareStartingData } from './starting-data';

describe('the data a portal starts with', () => {
  let store: Store;
  const lines: { level: 'info' | 'warn'; line: string }[] = [];
  const log = { info: (line: string) => lines.push({ level: 'info', line }), warn: (line: string) => lines.push({ level: 'warn', line }) };

  beforeEach(async () => {
    store = openSqliteStore(':memory:');
    await store.migrate();
    lines.length = 0;
  });
  afterEach(() => store.close());

  it('an empty database stays empty unless the demo is asked for, and says in one line how to add a user and a client', async () => {
    expect(await prepareStartingData(store, { seedDemo: false, log })).toBe('empty');
    expect(await store.countUsers()).toBe(0);
    expect(await store.listClients()).toEqual([]);
    expect(lines).toEqual([{ level: 'warn', line: EMPTY_DATABASE_HINT }]);
    expect(EMPTY_DATABASE_HINT).not.toContain('\n');
    expect(EMPTY_DATABASE_HINT).toContain('npm run admin -- users add');
    expect(EMPTY_DATABASE_HINT).toContain('npm run admin -- clients add');
    expect(EMPTY_DATABASE_HINT).toContain('PAIRGATE_SEED_DEMO=true');
  });

  it('PAIRGATE_SEED_DEMO seeds the demo user and clients into an empty database', async () => {
    expect(await prepareStartingData(store, { seedDemo: true, log })).toBe('seeded-demo');
    // (seedDemo hashes the demo password at today's cost: this test pays for one hash, and checks no more of it.)
    expect((await store.findUserByEmail(demo.user.email))?.name).toBe(demo.user.name);
    expect((await store.listClients()).map((c) => c.clientId).sort()).toEqual([demo.desktopClientId, demo.kioskClientId]);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('info');
    expect(lines[0]?.line).not.toContain(demo.user.password);
  });

  it('never seeds a database that has users, even when asked', async () => {
    await store.createUser({ id: 'u1', email: 'owner@example.com', name: 'Owner', passwordHash: TEST_PASSWORD_HASH, createdAt: 0 });
    expect(await prepareStartingData(store, { seedDemo: true, log })).toBe('existing');
    expect(await store.findUserByEmail(demo.user.email)).toBeUndefined();
    expect(await store.countUsers()).toBe(1);
    expect(await verifyPassword(TEST_PASSWORD, (await store.findUserById('u1'))!.passwordHash)).toBe(true);
    expect(lines).toEqual([]);
  });
});
