/**
 * `Store.checkReady()` in the ways a real deployment goes wrong: never migrated, a read-only
 * database (SQLite file or directory that cannot be written; PostgreSQL that refuses writes),
 * and a database that is not there at all. The happy path is in the contract suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../../test/support/resources';
import { postgresMigrations } from './migrations/postgres/index';
import { sqliteMigrations } from './migrations/sqlite/index';
import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import { createSchema, dropSchema, uniqueSchema, withSearchPath } from './test-support';

const dir = mkdtempSync(join(tmpdir(), 'pairgate-ready-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkReady on SQLite', () => {
  it('is not ready before migrate() and names the versions', async () => {
    const store = openSqliteStore(join(dir, 'fresh', 'pairgate.db'));
    expect(await store.checkReady()).toEqual({ ready: false, reason: `database schema is at version 0, this build needs ${sqliteMigrations.length}: migrations not applied` });
    await store.migrate();
    expect(await store.checkReady()).toEqual({ ready: true });
    await store.close();
  });

  it('is not ready when the database cannot be written (SQLITE_READONLY), though reads still work', async () => {
    const file = join(dir, 'ro', 'pairgate.db');
    const writer = openSqliteStore(file);
    await writer.migrate();
    // Tests run as root, for whom chmod changes nothing; a read-only open is what SQLite falls
    // back to when the file is write-protected. A second connection keeps the WAL files in
    // place, as the server's own connection does when the disk turns read-only under it.
    const keepWal = new Database(file);
    const readOnly = openSqliteStore(file, { readonly: true });
    try {
      expect(await readOnly.countUsers()).toBe(0);
      expect(await readOnly.checkReady()).toEqual({ ready: false, reason: expect.stringMatching(/^database not writable: SQLITE_READONLY/) });
    } finally {
      await readOnly.close();
      keepWal.close();
      await writer.close();
    }
  });
});

const pgUrl = testDatabaseUrl('checkReady');

describe.skipIf(!pgUrl)('checkReady on PostgreSQL', () => {
  const schema = uniqueSchema('ready');
  afterAll(() => dropSchema(pgUrl!, schema));

  it('is not ready before migrate(), ready after, and not ready when writes are refused', async () => {
    await createSchema(pgUrl!, schema);
    const store = openPostgresStore(withSearchPath(pgUrl!, schema), { poolSize: 1 });
    try {
      expect(await store.checkReady()).toEqual({ ready: false, reason: `database schema is at version 0, this build needs ${postgresMigrations.length}: migrations not applied` });
      await store.migrate();
      expect(await store.checkReady()).toEqual({ ready: true });
    } finally {
      await store.close();
    }
    // What a hot standby or a read-only default gives: reads answer, writes fail.
    const readOnlyUrl = new URL(withSearchPath(pgUrl!, schema));
    readOnlyUrl.searchParams.set('options', `-c search_path=${schema} -c default_transaction_read_only=on`);
    const readOnly = openPostgresStore(readOnlyUrl.toString(), { poolSize: 1 });
    try {
      expect(await readOnly.countUsers()).toBe(0);
      expect(await readOnly.checkReady()).toEqual({ ready: false, reason: expect.stringMatching(/^database unavailable: 25006: .*read-only transaction/) });
    } finally {
      await readOnly.close();
    }
  });

  it('is not ready (and does not throw) when nothing listens at the address', async () => {
    const store = openPostgresStore('postgres://nobody@127.0.0.1:1/none', { poolSize: 1 });
    try {
      expect(await store.checkReady()).toEqual({ ready: false, reason: expect.stringMatching(/^database unavailable: ECONNREFUSED/) });
    } finally {
      await store.close();
    }
  });
});
