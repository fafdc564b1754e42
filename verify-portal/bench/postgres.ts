/**
 * PostgreSQL for the benchmarks: a fresh database per portal started (so no run sees another's
 * rows), dropped afterwards, and the CPU its server processes spent for us.
 */
import pg from 'pg';
import { cpuSeconds } from './processes';

/** Where the bench may create databases: PAIRGATE_TEST_DATABASE_URL, else DATABASE_URL; none → SQLite only. */
export function postgresServerUrl(): string | undefined {
  return process.env.PAIRGATE_TEST_DATABASE_URL?.trim() || process.env.DATABASE_URL?.trim() || undefined;
}

export interface BenchDatabase {
  url: string;
  name: string;
  /** CPU seconds used so far by each server process (backend) connected to this database, by pid. */
  backendCpu(): Promise<Map<number, number>>;
  drop(): Promise<void>;
}

/** CPU seconds the backends spent between two samples (a backend that started in between counts from 0). */
export function backendCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, seconds] of after) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}

let counter = 0;

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `pairgate_bench_${process.pid}_${Date.now()}_${++counter}`;
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  // One connection of our own for the CPU samples, so sampling does not start a backend each time.
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    name,
    async backendCpu() {
      // The server runs on this machine in our setups, so its backends are in /proc (a remote one: NaN).
      const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]);
      return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
    },
    async drop() {
      await admin.end().catch(() => undefined);
      await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
