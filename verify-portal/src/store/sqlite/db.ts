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

/**
 * Group commit: calls of `write` made within one turn of the event loop run together in one
 * `BEGIN IMMEDIATE` transaction at the end of the turn, and each caller's promise settles once
 * that transaction has committed — so an answer still goes out only after its row is stored, as
 * with a commit per call. A WAL commit (its log writes and locks) is most of what inserting a
 * row costs; concurrent requests now share one. A call that throws (a conflict) rejects only its
 * own promise, and must undo only its own statements: so `write` is one statement (SQLite undoes
 * a failed statement by itself) or runs several as a `db.transaction` function (inside the batch,
 * a savepoint). If the commit itself fails, every caller of the batch gets that error.
 */
export function groupCommit<A, R>(db: Database.Database, write: (arg: A) => R): (arg: A) => Promise<R> {
  type Call = { arg: A; resolve(value: R): void; reject(err: unknown): void };
  let batch: Call[] = [];
  const runAll = db.transaction((calls: Call[]) =>
    calls.map((call): { ok: true; value: R } | { ok: false; err: unknown } => {
      try {
        return { ok: true, value: write(call.arg) };
      } catch (err) {
        return { ok: false, err };
      }
    }),
  );
  const commit = (): void => {
    const calls = batch;
    batch = [];
    let outcomes;
    try {
      outcomes = runAll.immediate(calls);
    } catch (err) {
      for (const call of calls) call.reject(err);
      return;
    }
    outcomes.forEach((outcome, i) => {
      const call = calls[i];
      if (!call) return;
      if (outcome.ok) call.resolve(outcome.value);
      else call.reject(outcome.err);
    });
  };
  return (arg) =>
    new Promise<R>((resolve, reject) => {
      if (batch.push({ arg, resolve, reject }) === 1) setImmediate(commit);
    });
}
