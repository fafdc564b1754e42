/**
 * The Store contract's harness: the concepts' suites run against every implementation. SQLite
 * always (a temp file); PostgreSQL when PAIRGATE_TEST_DATABASE_URL is set (a fresh schema,
 * dropped at the end). In CI (`CI=true`) a missing PostgreSQL URL is a failure, not a skip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openPostgresStore } from '../postgres';
import { openSqliteStore } from '../sqlite';
import type { Store } from '../store';
import { createSchema, dropSchema, uniqueSchema, withSearchPath } from '../test-support';

export const pgUrl = process.env.PAIRGATE_TEST_DATABASE_URL;

/**
 * Registers `suite` once per implementation, under `Store contract: <dialect>`, with a migrated
 * store of its own. Both stores open without connecting (better-sqlite3 is synchronous, pg's pool
 * connects on first use), so the suite gets the store itself; it is migrated before any test.
 */
export function forEachStore(suite: (store: Store) => void): void {
  describe('Store contract: sqlite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairgate-store-'));
    // A directory that does not exist yet: opening the store makes it.
    const store = openSqliteStore(join(dir, 'nested', 'pairgate.db'));
    beforeAll(async () => {
      await store.migrate();
    });
    afterAll(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    suite(store);
  });

  if (!pgUrl) {
    if (process.env.CI === 'true') {
      describe('Store contract: postgres', () => {
        it('needs PAIRGATE_TEST_DATABASE_URL in CI', () => {
          throw new Error('[store] PAIRGATE_TEST_DATABASE_URL is not set, but CI=true: PostgreSQL contract tests must run in CI (source scripts/pg-throwaway.sh)');
        });
      });
    } else {
      console.log('[store] PostgreSQL contract tests skipped: set PAIRGATE_TEST_DATABASE_URL=postgres://… to run them (scripts/pg-throwaway.sh starts one)');
    }
  }

  describe.skipIf(!pgUrl)('Store contract: postgres', () => {
    if (!pgUrl) {
      // Skipped: vitest still collects the suite's tests (to count them) but runs none, so none
      // ever touches this.
      suite({} as Store);
      return;
    }
    const schema = uniqueSchema('contract');
    const store = openPostgresStore(withSearchPath(pgUrl, schema), { poolSize: 12 });
    beforeAll(async () => {
      await createSchema(pgUrl, schema);
      await store.migrate();
    });
    afterAll(async () => {
      await store.close();
      await dropSchema(pgUrl, schema);
    });
    suite(store);
  });
}
