/**
 * The Store contract: every concept's suite (one file each beside this one) against every
 * implementation, through one harness — SQLite always, PostgreSQL when
 * PAIRGATE_TEST_DATABASE_URL is set (see harness.ts). One test file, so each dialect opens and
 * migrates one store for all of them. Then what is particular to each dialect.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../index';
import { openPostgresStore } from '../postgres';
import { openSqliteStore } from '../sqlite';
import { uniqueSchema, withClient, withSearchPath } from '../test-support';
import { authorizationContract } from './authorization';
import { clientsContract } from './clients';
import { databaseContract } from './database';
import { deviceCodesContract } from './device-codes';
import { LATEST_VERSION, MIGRATIONS, refreshToken } from './fixtures';
import { grantsContract } from './grants';
import { forEachStore, pgUrl } from './harness';
import { signingKeysContract } from './keys';
import { limitsContract } from './limits';
import { sessionsContract } from './sessions';
import { usersContract } from './users';

forEachStore((store) => {
  databaseContract(store);
  usersContract(store);
  clientsContract(store);
  deviceCodesContract(store);
  grantsContract(store);
  authorizationContract(store);
  signingKeysContract(store);
  sessionsContract(store);
  limitsContract(store);
});

// --- What is particular to each dialect. ------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'pairgate-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite specifics', () => {
  it('uses WAL and enforces foreign keys; in-memory databases work', async () => {
    const s = openSqliteStore(':memory:');
    expect(await s.migrate()).toBe(LATEST_VERSION);
    await expect(s.insertRefreshToken(refreshToken('no-such-grant'))).rejects.toThrow(/FOREIGN KEY/);
    await s.close();
    await s.close(); // idempotent

    const file = join(dir, 'wal', 'check.db');
    const f = openSqliteStore(file);
    await f.migrate();
    await f.close();
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT version, name FROM schema_migrations').all()).toEqual(MIGRATIONS);
    raw.close();
  });

  it('migration 4 gives existing authorization code clients response_types ["code"]', async () => {
    const file = join(dir, 'm4', 'old.db');
    const { sqliteMigrations } = await import('../migrations/sqlite/index');
    const old = openSqliteStore(file);
    await old.close();
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(file);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
    for (const m of sqliteMigrations.slice(0, 3)) {
      raw.exec(m.sql);
      raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
    }
    const insert = raw.prepare(`INSERT INTO clients VALUES (?, 'x', 'public', 'none', NULL, ?, '[]', '[]', 1, 0)`);
    insert.run('web', '["authorization_code","refresh_token"]');
    insert.run('tv', '["urn:ietf:params:oauth:grant-type:device_code"]');
    raw.close();
    const s = openSqliteStore(file);
    expect(await s.migrate()).toBe(LATEST_VERSION);
    expect(await s.findClient('web')).toMatchObject({ responseTypes: ['code'], requirePkce: false, allowedAudiences: [], jwks: null });
    expect((await s.findClient('tv'))?.responseTypes).toEqual([]);
    await s.close();
  });
});

describe('openStore', () => {
  it('picks PostgreSQL for postgres:// and postgresql:// URLs, SQLite otherwise', async () => {
    const file = join(dir, 'open-store', 'pairgate.db');
    for (const url of [undefined, '', 'sqlite:whatever']) {
      const s = openStore(url, file);
      expect(s.kind).toBe('sqlite');
      await s.close();
    }
    // The pool connects lazily, so no server is needed to check the choice.
    for (const url of ['postgres://u@127.0.0.1:1/db', 'postgresql://u@127.0.0.1:1/db']) {
      const s = openStore(url, file);
      expect(s.kind).toBe('postgres');
      await s.close();
    }
  });
});

/** Schemas made by the PostgreSQL specifics start with this. */
const prefix = uniqueSchema('specifics');
const admin = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withClient(pgUrl ?? '', fn);

describe.skipIf(!pgUrl)('postgres specifics', () => {
  const other = `${prefix}_m`;
  afterAll(async () => {
    await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${other}" CASCADE`));
  });

  it('two instances migrating at once both end at the latest version, applying it once', async () => {
    await admin((c) => c.query(`CREATE SCHEMA "${other}"`));
    const stores = Array.from({ length: 4 }, () => openPostgresStore(withSearchPath(pgUrl ?? '', other), { poolSize: 2 }));
    try {
      expect(await Promise.all(stores.map((s) => s.migrate()))).toEqual(stores.map(() => LATEST_VERSION));
      const rows = await admin(async (c) => (await c.query(`SELECT version, name FROM "${other}".schema_migrations`)).rows);
      expect(rows).toEqual(MIGRATIONS);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('migration 4 gives existing authorization code clients response_types ["code"]', async () => {
    const { postgresMigrations } = await import('../migrations/postgres/index');
    const old = `${prefix}_m4`;
    try {
      await admin(async (c) => {
        await c.query(`CREATE SCHEMA "${old}"`);
        await c.query(`SET search_path TO "${old}"`);
        await c.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
        for (const m of postgresMigrations.slice(0, 3)) {
          await c.query(m.sql);
          await c.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [m.version, m.name]);
        }
        const insert = `INSERT INTO clients VALUES ($1, 'x', 'public', 'none', NULL, $2, '[]', '[]', TRUE, 0)`;
        await c.query(insert, ['web', '["authorization_code","refresh_token"]']);
        await c.query(insert, ['tv', '["urn:ietf:params:oauth:grant-type:device_code"]']);
      });
      const s = openPostgresStore(withSearchPath(pgUrl ?? '', old), { poolSize: 1 });
      try {
        expect(await s.migrate()).toBe(LATEST_VERSION);
        expect(await s.findClient('web')).toMatchObject({ responseTypes: ['code'], requirePkce: false, allowedAudiences: [], jwks: null });
        expect((await s.findClient('tv'))?.responseTypes).toEqual([]);
      } finally {
        await s.close();
      }
    } finally {
      await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${old}" CASCADE`));
    }
  });

  it('returns epoch-ms BIGINTs as numbers without touching pg’s global type parsers', async () => {
    expect(pg.types.getTypeParser(20, 'text')('1700000000000')).toBe('1700000000000');
  });
});
