/**
 * PostgreSQL helpers for the store's tests: each suite works in a schema of its own, made
 * fresh and dropped at the end, so runs never see each other's rows.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** `url` with every connection's search_path set to `schema`. */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** Runs `fn` on a one-off connection to `url`. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A schema name no other run uses. */
export function uniqueSchema(label: string): string {
  return `pairgate_test_${label}_${process.pid}_${randomUUID().slice(0, 8)}`;
}

export async function createSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (c) => c.query(`CREATE SCHEMA "${schema}"`));
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}
