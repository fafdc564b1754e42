/**
 * The Store contract for the database as a whole (`records/database.ts`): readiness, migrations
 * and purging, on every implementation; then what is particular to each dialect.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../index';
import { openPostgresStore } from '../postgres';
import { openSqliteStore } from '../sqlite';
import type { AuthorizationRequestRecord, SessionRecord } from '../store';
import { uniqueSchema, withClient, withSearchPath } from '../test-support';
import { MANY, MIN, T0, authorizationCode, deviceCode, grant, id, refreshToken } from './fixtures';
import { forEachStore, pgUrl } from './harness';

const LATEST_VERSION = 8;

forEachStore((store) => {
  describe('readiness', () => {
    it('is ready once migrated: the database answers and takes a write', async () => {
      expect(await store.checkReady()).toEqual({ ready: true });
      expect(await store.checkReady()).toEqual({ ready: true }); // the upsert keeps one row
    });
  });

  describe('migrations', () => {
    it('is idempotent: migrating twice leaves the same version', async () => {
      expect(await store.migrate()).toBe(LATEST_VERSION);
      expect(await store.migrate()).toBe(LATEST_VERSION);
    });
  });

  describe('purgeExpired', () => {
    it('purges more rows than one batch holds, and says how many', async () => {
      // Further in the past than the other purge test, so neither disturbs the other.
      const P = T0 - 2_000_000 * MIN;
      const sessions = Array.from({ length: 1_234 }, (_, i): SessionRecord => ({ idHash: id(`old-${i}`), userId: `u-${i % 7}`, authTime: P - MIN, createdAt: P - MIN, expiresAt: P - i, data: '{}' }));
      for (const x of sessions) await store.createSession(x, MANY);
      const kept: SessionRecord = { ...sessions[0]!, idHash: id('kept'), expiresAt: P + 1 };
      await store.createSession(kept, MANY);
      expect(await store.purgeExpired(P, 0)).toBe(1_234);
      expect(await store.findSession(sessions[1_233]!.idHash, P - 2_000)).toBeUndefined();
      expect(await store.findSession(kept.idHash, P)).toEqual(kept);
    });

    it('deletes device codes expired longer than the grace period and expired refresh tokens', async () => {
      // Far in the past, so purging at "now" here cannot disturb other tests' rows (all ≥ T0).
      const P = T0 - 1_000_000 * MIN;
      const graceMs = 60 * MIN;
      const gone = deviceCode({ createdAt: P - 100 * MIN, expiresAt: P - graceMs - 1 });
      const inGrace = deviceCode({ createdAt: P - 100 * MIN, expiresAt: P - graceMs + 1 });
      const live = deviceCode({ createdAt: P, expiresAt: P + 10 * MIN });
      for (const d of [gone, inGrace, live]) expect(await store.insertDeviceCode(d)).toBe(true);

      const g = grant();
      await store.createGrant(g);
      const expiredToken = refreshToken(g.id, { createdAt: P - 10 * MIN, expiresAt: P });
      const liveToken = refreshToken(g.id, { createdAt: P - 10 * MIN, expiresAt: P + 1 });
      for (const t of [expiredToken, liveToken]) await store.insertRefreshToken(t);

      const oldSession: SessionRecord = { idHash: id('s'), userId: 'u', authTime: P - MIN, createdAt: P - MIN, expiresAt: P, data: '{}' };
      const liveSession: SessionRecord = { ...oldSession, idHash: id('s'), expiresAt: P + 1 };
      for (const x of [oldSession, liveSession]) await store.createSession(x, MANY);
      const rl = id('rl');
      const windowStart = Math.floor(P / MIN) * MIN;
      await store.hitRateLimit(rl, MIN, windowStart - 2 * MIN); // two windows back: no longer counts
      await store.hitRateLimit(rl, MIN, windowStart - MIN); // the previous window still counts

      const goneCode = authorizationCode({ createdAt: P - 100 * MIN, expiresAt: P - graceMs - 1 });
      const keptCode = authorizationCode({ createdAt: P - 100 * MIN, expiresAt: P - graceMs + 1 });
      for (const c of [goneCode, keptCode]) await store.insertAuthorizationCode(c);
      const oldRequest: AuthorizationRequestRecord = {
        idHash: id('ar'), userId: 'u', clientId: 'c', redirectUri: 'https://app.example/cb', scope: 'openid', state: null, nonce: null,
        codeChallenge: null, authTime: P - MIN, createdAt: P - MIN, expiresAt: P, responseType: 'code', responseMode: 'query',
      };
      const liveRequest = { ...oldRequest, idHash: id('ar'), expiresAt: P + 1 };
      for (const r of [oldRequest, liveRequest]) await store.insertAuthorizationRequest(r);

      const oldJti = id('jti');
      const liveJti = id('jti');
      await store.recordClientAssertion('svc', oldJti, P, P - MIN);
      await store.recordClientAssertion('svc', liveJti, P + 1, P - MIN);

      await store.purgeExpired(P, graceMs);
      // Purged: recording it again at a time it would still have been live now succeeds.
      expect(await store.recordClientAssertion('svc', oldJti, P + MIN, P - 2 * MIN)).toBe(true);
      expect(await store.recordClientAssertion('svc', liveJti, P + MIN, P - 2 * MIN)).toBe(false);
      expect(await store.findAuthorizationCode(goneCode.codeHash)).toBeUndefined();
      expect(await store.findAuthorizationCode(keptCode.codeHash)).toEqual(keptCode);
      expect(await store.takeAuthorizationRequest(oldRequest.idHash, P - 1)).toBeUndefined();
      expect(await store.findAuthorizationRequest(liveRequest.idHash, P)).toEqual(liveRequest);
      expect(await store.findSession(oldSession.idHash, P - 1)).toBeUndefined();
      expect(await store.findSession(liveSession.idHash, P)).toEqual(liveSession);
      expect(await store.peekRateLimit(rl, MIN, windowStart - MIN)).toEqual({ current: 1, previous: 0 });
      expect(await store.findDeviceCode(gone.deviceCodeHash)).toBeUndefined();
      expect(await store.findDeviceCode(inGrace.deviceCodeHash)).toBeDefined();
      expect(await store.findDeviceCode(live.deviceCodeHash)).toBeDefined();
      expect(await store.findRefreshToken(expiredToken.tokenHash)).toBeUndefined();
      expect(await store.findRefreshToken(liveToken.tokenHash)).toEqual(liveToken);
      expect(await store.findGrant(g.id)).toEqual(g);
    });
  });
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
    expect(raw.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([
      { version: 1, name: 'initial' },
      { version: 2, name: 'sessions-rate-limits' },
      { version: 3, name: 'authorization-codes' },
      { version: 4, name: 'client-auth' },
      { version: 5, name: 'authorization-response' },
      { version: 6, name: 'readiness' },
      { version: 7, name: 'throttles' },
      { version: 8, name: 'cross-device' },
    ]);
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
      expect(rows).toEqual([
        { version: 1, name: 'initial' },
        { version: 2, name: 'sessions-rate-limits' },
        { version: 3, name: 'authorization-codes' },
        { version: 4, name: 'client-auth' },
        { version: 5, name: 'authorization-response' },
        { version: 6, name: 'readiness' },
        { version: 7, name: 'throttles' },
        { version: 8, name: 'cross-device' },
      ]);
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
