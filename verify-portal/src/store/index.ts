/**
 * The store entry point: `openStore` picks the implementation from the configuration. The
 * interface and record types live in `store.ts`, which callers import directly.
 */
import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import type { Store } from './store';

/** `postgres://` or `postgresql://` → PostgreSQL; anything else (including unset) → SQLite at `sqliteFile`. */
export function openStore(databaseUrl: string | undefined, sqliteFile: string): Store {
  if (databaseUrl && /^postgres(?:ql)?:\/\//i.test(databaseUrl)) return openPostgresStore(databaseUrl);
  return openSqliteStore(sqliteFile);
}
