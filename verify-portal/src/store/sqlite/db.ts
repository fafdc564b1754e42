/**
 * What every SQLite concept module runs its SQL through: one open database, its statements
 * prepared once and reused, and the mapping of unique-constraint violations.
 */
import type Database from 'better-sqlite3';
import { StoreConflictError } from '../conflict';
import type { Row } from '../rows';

export interface SqliteDb {
  readonly db: Database.Database;
  get(sql: string, ...params: unknown[]): Row | undefined;
  all(sql: string, ...params: unknown[]): Row[];
  run(sql: string, ...params: unknown[]): Database.RunResult;
  /** Drops the prepared statements (before the database closes). */
  clearStatements(): void;
}

export function sqliteDb(db: Database.Database): SqliteDb {
  // Statements are prepared on first use after migrate() (the tables must exist to prepare them)
  // and reused from then on.
  const cache = new Map<string, Database.Statement<unknown[]>>();
  const stmt = (sql: string): Database.Statement<unknown[]> => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare<unknown[]>(sql);
      cache.set(sql, s);
    }
    return s;
  };
  return {
    db,
    get: (sql, ...params) => stmt(sql).get(...params) as Row | undefined,
    all: (sql, ...params) => stmt(sql).all(...params) as Row[],
    run: (sql, ...params) => stmt(sql).run(...params),
    clearStatements: () => cache.clear(),
  };
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Runs `fn`, turning unique-constraint violations into StoreConflictError. */
export function conflicts<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new StoreConflictError(`${what} already exists`, { cause: err });
    throw err;
  }
}
