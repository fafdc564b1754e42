/**
 * The watched store on real databases: PostgreSQL behind a TCP proxy that is stopped and
 * restored (the database away and back), and an SQLite file opened read-only (writes refused).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD_HASH } from '../crypto/test-support';
import { testDatabaseUrl } from '../../test/support/resources';
import { startFaultProxy, type FaultProxy } from '../store/fault-proxy';
import { openPostgresStore } from '../store/postgres';
import { openSqliteStore } from '../store/sqlite';
import type { Store } from '../store/store';
import { createSchema, dropSchema, uniqueSchema, withSearchPath } from '../store/test-support';
import { isStoreUnavailable } from '../store/unavailable';
import { watchStoreAvailability, type StoreAvailability } from './store-availability';

const url = testDatabaseUrl('store availability');

describe.skipIf(!url)('the database away and back (PostgreSQL behind a proxy)', () => {
  const schema = uniqueSchema('availability');
  let proxy: FaultProxy;
  let store: Store;
  let availability: StoreAvailability;
  const changes: boolean[] = [];

  beforeAll(async () => {
    await createSchema(url!, schema);
    proxy = await startFaultProxy(withSearchPath(url!, schema));
    // Short timeouts and a fast probe, so the suite takes well under a second.
    const postgres = openPostgresStore(proxy.url, { poolSize: 2, connectTimeoutMs: 300, statementTimeoutMs: 300, queryTimeoutMs: 400, log: () => {} });
    ({ store, availability } = watchStoreAvailability(postgres, { probeIntervalMs: 20, onChange: (available) => changes.push(available) }));
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await proxy?.close();
    await dropSchema(url!, schema);
  });

  it('is away from the first call that finds it away, marks the request that found it, and is back by itself once it answers', async () => {
    expect(await store.countUsers()).toBe(0);
    expect(availability.available()).toBe(true);
    // A request that made no failing call, while the database is there: nothing to report.
    expect(availability.inRequest((databaseAway) => databaseAway())).toBe(false);

    proxy.stop();
    const seen = await availability.inRequest(async (databaseAway) => {
      const before = databaseAway();
      const failure = await store.countUsers().catch((err: unknown) => err);
      return { before, unavailable: isStoreUnavailable(failure), after: databaseAway() };
    });
    expect(seen).toEqual({ before: false, unavailable: true, after: true });
    expect(availability.available()).toBe(false);
    // Any other request while it is known away is told so too, before it calls anything.
    expect(availability.inRequest((databaseAway) => databaseAway())).toBe(true);

    // Back: no store call from here on — the probe finds it.
    proxy.restore();
    await expect.poll(() => availability.available(), { timeout: 5_000, interval: 20 }).toBe(true);
    expect(changes).toEqual([false, true]);
    expect(await store.countUsers()).toBe(0);
  });

  it('a call that fails for another reason (a conflict, a bug) says nothing about availability', async () => {
    const user = { id: 'u1', email: 'ada@example.com', name: 'Ada', passwordHash: TEST_PASSWORD_HASH, createdAt: 0 };
    await store.createUser(user);
    const conflict = await store.createUser({ ...user, id: 'u2' }).catch((err: unknown) => err);
    expect(conflict).toBeInstanceOf(Error);
    expect(isStoreUnavailable(conflict)).toBe(false);
    expect(availability.available()).toBe(true);
  });
});

describe('an SQLite file that cannot be written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pairgate-availability-'));
  const file = join(dir, 'pairgate.db');
  let writer: Store;

  beforeAll(async () => {
    writer = openSqliteStore(file);
    await writer.migrate();
  });
  afterAll(async () => {
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is away after a refused write, and a probe that finds it still read-only does not call it back', async () => {
    const { store, availability } = watchStoreAvailability(openSqliteStore(file, { readonly: true, log: () => {} }), { probeIntervalMs: 10 });
    try {
      // Reads work; the first write is refused (SQLITE_READONLY → StoreUnavailableError).
      expect(await store.countUsers()).toBe(0);
      const refused = await store.createUser({ id: 'u1', email: 'ada@example.com', name: 'Ada', passwordHash: TEST_PASSWORD_HASH, createdAt: 0 }).catch((err: unknown) => err);
      expect(isStoreUnavailable(refused)).toBe(true);
      expect(availability.available()).toBe(false);
      // The readiness check (what the probe runs) says not ready, and the verdict stands.
      expect(await store.checkReady()).toMatchObject({ ready: false });
      expect(availability.available()).toBe(false);
    } finally {
      await store.close();
    }
  });
});
