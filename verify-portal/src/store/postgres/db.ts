/**
 * What every PostgreSQL concept module runs its SQL through: the pool, transactions on one
 * pool client, and the mapping of unique-constraint violations.
 *
 * BIGINT epoch-ms columns come back from pg as strings; `rows.ts` parses them per column rather
 * than through pg's global type parsers, which would change results for every other user of pg.
 */
import type pg from 'pg';
import { StoreConflictError } from '../conflict';
import { isPostgresAway } from '../faults';
import type { Row } from '../rows';

export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export interface PostgresDb {
  readonly pool: pg.Pool;
  /** Runs `fn` in a transaction on one client; ROLLBACK on any throw; the client is always released. */
  tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
}

export const rows = async (db: Queryable, sql: string, params: unknown[] = []): Promise<Row[]> =>
  (await db.query<Row>(sql, params)).rows;
export const one = async (db: Queryable, sql: string, params: unknown[] = []): Promise<Row | undefined> =>
  (await rows(db, sql, params))[0];

export function postgresDb(pool: pg.Pool): PostgresDb {
  async function tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    // A checked-out client that loses its connection emits 'error' (the pool only listens while
    // it is idle); unheard, that is an uncaught exception. The running query rejects as well,
    // so noting it is enough.
    const onConnectionError = (): void => {
      broken = true;
    };
    client.on('error', onConnectionError);
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // A connection that broke or timed out cannot roll back (and waiting for it to try would
      // double the time the caller waits): discard it; the server ends the transaction itself.
      if (isPostgresAway(err)) broken = true;
      else {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection is unusable: let the pool discard it
        }
      }
      throw err;
    } finally {
      client.off('error', onConnectionError);
      client.release(broken);
    }
  }
  return { pool, tx };
}

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}

/** Runs `fn`, turning unique-constraint violations into StoreConflictError. */
export async function conflicts<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new StoreConflictError(`${what} already exists`, { cause: err });
    throw err;
  }
}
