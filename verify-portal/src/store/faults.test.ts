/**
 * Which database errors mean "away" (→ StoreUnavailableError → 503) and which stay errors, and
 * the guard both stores wear, on a real read-only SQLite database answered by the real core.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GrantType } from '@pairgate/shared';
import { afterAll, describe, expect, it } from 'vitest';
import type { SessionReader } from '../oauth/authorization/sessions';
import { serveFetch } from '../oauth/http/fetch-adapter';
import { createProvider, type Provider } from '../oauth/provider';
import { isPostgresAway, isSqliteAway } from './faults';
import { openSqliteStore } from './sqlite';
import { StoreConflictError, type Store } from './store';
import { isStoreUnavailable } from './unavailable';

const withCode = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('what counts as the database being away', () => {
  it.each([
    ['SQLITE_READONLY', true],
    ['SQLITE_READONLY_DBMOVED', true],
    ['SQLITE_IOERR_WRITE', true],
    ['SQLITE_FULL', true],
    ['SQLITE_CANTOPEN', true],
    ['SQLITE_BUSY', true],
    ['SQLITE_BUSY_TIMEOUT', true],
    ['SQLITE_LOCKED', true],
    ['SQLITE_CONSTRAINT_UNIQUE', false],
    ['SQLITE_CONSTRAINT_FOREIGNKEY', false],
    ['SQLITE_ERROR', false],
    ['SQLITE_CORRUPT', false],
    ['SQLITE_MISMATCH', false],
    ['SQLITE_FULLX', false],
  ])('SQLite %s → %s', (code, away) => {
    expect(isSqliteAway(withCode(code))).toBe(away);
  });

  it.each([
    [withCode('ECONNREFUSED'), true],
    [withCode('ECONNRESET'), true],
    [withCode('EPIPE'), true],
    [withCode('ETIMEDOUT'), true],
    [withCode('08006'), true], // connection_failure
    [withCode('08P01'), true], // protocol_violation (class 08)
    [withCode('53300'), true], // too_many_connections
    [withCode('53100'), true], // disk_full
    [withCode('57P01'), true], // admin_shutdown
    [withCode('57P03'), true], // cannot_connect_now (starting up)
    [withCode('57014'), true], // query_canceled by statement_timeout
    [withCode('55P03'), true], // lock_not_available (lock_timeout)
    [withCode('25006'), true], // read_only_sql_transaction (standby)
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('timeout exceeded when trying to connect'), true],
    [new Error('Connection terminated due to connection timeout'), true],
    [new Error('Query read timeout'), true],
    [withCode('23505'), false], // unique_violation
    [withCode('23503'), false], // foreign_key_violation
    [withCode('42P01'), false], // undefined_table: a bug
    [withCode('42601'), false], // syntax_error
    [withCode('40001'), false], // serialization_failure
    [withCode('22P02'), false], // invalid_text_representation
    [new Error('Cannot use a pool after calling end on the pool'), false],
    [new TypeError('store: expected a text column, got number'), false],
    ['a string', false],
  ])('PostgreSQL %s → %s', (err, away) => {
    expect(isPostgresAway(err)).toBe(away);
  });
});

describe('a read-only SQLite database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pairgate-faults-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Runs `test` on a database file that `seed` filled through a writable store (`writer`, still
   * open) and that `store` opens read-only: every write through `store` fails SQLITE_READONLY.
   */
  async function withReadOnlyStore(
    name: string,
    seed: (writer: Store) => Promise<void>,
    test: (stores: { store: Store; writer: Store; lines: string[] }) => Promise<void>,
  ): Promise<void> {
    const file = join(dir, name);
    const writer = openSqliteStore(file);
    await writer.migrate();
    await seed(writer);
    const keepWal = new Database(file);
    const lines: string[] = [];
    const store = openSqliteStore(file, { readonly: true, log: (l) => lines.push(l) });
    try {
      await test({ store, writer, lines });
    } finally {
      await store.close();
      keepWal.close();
      await writer.close();
    }
  }

  /** The real core on `store`, and what it reported as unexpected (a 500 would be). */
  async function withCore(store: Store, sessions: SessionReader | undefined, test: (core: Provider, unexpected: unknown[]) => Promise<void>): Promise<void> {
    const unexpected: unknown[] = [];
    const core = createProvider({ store, issuer: 'https://pairgate.test', ...(sessions ? { sessions } : {}), onUnexpectedError: (e) => unexpected.push(e) });
    try {
      await test(core, unexpected);
    } finally {
      core.close();
    }
  }

  it('throws StoreUnavailableError for writes, keeps conflicts and bugs as they are, and logs the outage once', async () => {
    await withReadOnlyStore('ro.db', async () => {}, async ({ store, writer, lines }) => {
      const session = { idHash: 's', userId: 'u', authTime: 1, createdAt: 1, expiresAt: 2, data: '{}' };
      for (let i = 0; i < 3; i++) {
        const err = await store.createSession(session, 20).catch((e: unknown) => e);
        expect(isStoreUnavailable(err)).toBe(true);
        expect((err as Error).message).toMatch(/^sqlite database unavailable: SQLITE_READONLY/);
      }
      expect(lines).toEqual([expect.stringMatching(/^\[store\] sqlite database unavailable \(SQLITE_READONLY: .*\); answering 503 until it is back$/)]);
      // A read succeeds: the outage is over as far as the store can tell.
      expect(await store.countUsers()).toBe(0);
      expect(lines[1]).toBe('[store] sqlite database answering again');

      // On the writable store: a conflict stays a conflict, a bug stays a bug.
      await writer.createSession(session, 20);
      await expect(writer.createSession(session, 20)).rejects.toBeInstanceOf(StoreConflictError);
      const bug = await writer.hitRateLimit('k', 0, 1).catch((e: unknown) => e);
      expect(bug).toBeInstanceOf(RangeError);
      expect(isStoreUnavailable(bug)).toBe(false);
    });
  });

  it('the OAuth core answers 503 with Retry-After and temporarily_unavailable, never 500', async () => {
    const seed = (writer: Store) =>
      writer.upsertClient({
        clientId: 'tv', name: 'TV', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null,
        grantTypes: [GrantType.DeviceCode], redirectUris: [], scopes: ['openid'], firstParty: true, createdAt: 0,
      });
    await withReadOnlyStore('core.db', seed, ({ store }) =>
      withCore(store, undefined, async (core, unexpected) => {
        const response = await serveFetch(
          core.handle,
          new Request('https://pairgate.test/oauth/device/code', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=tv' }),
          '203.0.113.7',
        );
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('5');
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(await response.json()).toEqual({ error: 'temporarily_unavailable', error_description: 'The service is briefly unavailable; try again in a few seconds.' });
        expect(unexpected).toEqual([]);
      }),
    );
  });

  it('the authorization endpoint sends a signed-in person back to the app with temporarily_unavailable', async () => {
    const seed = async (writer: Store) => {
      await writer.createUser({ id: 'u1', email: 'ada@example.com', name: 'Ada', passwordHash: 'unused', createdAt: 0 });
      await writer.upsertClient({
        clientId: 'desktop', name: 'Desktop', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null,
        grantTypes: [GrantType.AuthorizationCode], redirectUris: ['http://127.0.0.1/callback'], scopes: ['openid'], firstParty: true, createdAt: 0,
      });
    };
    const signedIn: SessionReader = { current: async () => ({ userId: 'u1', authTime: Date.now() }) };
    await withReadOnlyStore('authorize.db', seed, ({ store }) =>
      withCore(store, signedIn, async (core, unexpected) => {
        const query = new URLSearchParams({
          response_type: 'code', client_id: 'desktop', redirect_uri: 'http://127.0.0.1:5000/callback', scope: 'openid', state: 's1',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
        });
        const response = await serveFetch(core.handle, new Request(`https://pairgate.test/oauth/authorize?${query}`, { redirect: 'manual' }), '203.0.113.7');
        expect(response.status).toBe(303);
        const location = new URL(response.headers.get('location') ?? '');
        expect(location.origin + location.pathname).toBe('http://127.0.0.1:5000/callback');
        expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'temporarily_unavailable', state: 's1', iss: 'https://pairgate.test' });
        expect(unexpected).toEqual([]);
      }),
    );
  });
});
