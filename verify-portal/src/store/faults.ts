/**
 * What the stores do with a database error: tell "the database is away" (down, frozen past a
 * timeout, out of connections, read-only, out of disk) from everything else (constraint
 * violations, bugs), turn the first kind into `StoreUnavailableError` at the store's edge, and
 * describe errors for an operator (code and message: never a stack, never a parameter value).
 */
import { logWarning } from '../observability/logger';
import type { Store } from './store';
import { StoreUnavailableError } from './unavailable';

/** An error's code and message, e.g. `SQLITE_READONLY: attempt to write a readonly database`. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
}

const codeOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * SQLite result codes (https://sqlite.org/rescode.html) that mean the file cannot be used right
 * now, not that the statement was wrong: read-only file or directory (READONLY*), I/O errors
 * (IOERR*), a full disk (FULL), the journal or file cannot be opened (CANTOPEN*), and another
 * writer holding the lock past `busy_timeout` (BUSY*, LOCKED*). CONSTRAINT, MISMATCH, CORRUPT,
 * ERROR and the rest are bugs or damage, and stay errors.
 */
const SQLITE_AWAY = /^SQLITE_(READONLY|IOERR|FULL|CANTOPEN|BUSY|LOCKED)(_|$)/;

export function isSqliteAway(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && SQLITE_AWAY.test(code);
}

/** Socket errors of a connection that failed or broke (Node's `err.code`). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * SQLSTATEs (PostgreSQL, Appendix A) of a database that cannot serve now: class 08 (connection
 * exception), class 53 (insufficient resources: too many connections, disk full, out of memory),
 * 57P01–57P03 (shutting down, crashed, not accepting connections yet), 57014 (statement_timeout),
 * 55P03 (lock_timeout), 25006 (read-only: a standby or `default_transaction_read_only`).
 * Class 23 (constraint violations), 42 (bugs in SQL) and 40 (serialisation) are not.
 */
const SQLSTATE_AWAY = /^(08|53)...$|^57P0[123]$|^57014$|^55P03$|^25006$/;

/** node-postgres' own messages for a connection that broke or never came (no code attached). */
const PG_MESSAGES = [
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
];

export function isPostgresAway(err: unknown): boolean {
  const code = codeOf(err);
  if (code !== undefined && (NETWORK_CODES.has(code) || SQLSTATE_AWAY.test(code))) return true;
  return err instanceof Error && PG_MESSAGES.includes(err.message);
}

/**
 * Wraps every method of `store` so that a "database away" error (per `isAway`) is thrown as
 * `StoreUnavailableError` (its `cause` the original), and logs the transitions once each: the
 * first failure of an outage and the first success after it, never one line per request.
 */
export function guardStore(store: Store, isAway: (err: unknown) => boolean, log: (line: string) => void = logWarning): Store {
  let away = false;
  const guarded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(store)) {
    // checkReady answers an outage itself (and never throws); close has nothing to answer.
    if (typeof value !== 'function' || name === 'checkReady' || name === 'close') {
      guarded[name] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => Promise<unknown>;
    guarded[name] = async (...args: unknown[]) => {
      try {
        const result = await method(...args);
        if (away) {
          away = false;
          log(`[store] ${store.kind} database answering again`);
        }
        return result;
      } catch (err) {
        if (!isAway(err)) throw err;
        if (!away) {
          away = true;
          log(`[store] ${store.kind} database unavailable (${errorText(err)}); answering 503 until it is back`);
        }
        throw new StoreUnavailableError(`${store.kind} database unavailable: ${errorText(err)}`, { cause: err });
      }
    };
  }
  return guarded as unknown as Store;
}
