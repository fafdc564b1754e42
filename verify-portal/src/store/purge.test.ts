/**
 * The SQLite store purges in batches with the event loop free between them: a second
 * connection, reading at every turn of the loop while the purge runs, sees the rows go 500 at a
 * time. (How long each batch holds the loop depends on the machine; the batches are the rule.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PURGE_BATCH_ROWS } from './purge';
import { openSqliteStore } from './sqlite';

const dir = mkdtempSync(join(tmpdir(), 'pairgate-purge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('purgeExpired on SQLite', () => {
  it('deletes 500 rows per statement and lets the event loop run between statements', async () => {
    const file = join(dir, 'purge.db');
    const store = openSqliteStore(file);
    await store.migrate();
    const raw = new Database(file);
    const insert = raw.prepare(`INSERT INTO device_codes (device_code_hash, user_code, client_id, scope, created_at, expires_at, poll_interval, status)
      VALUES (?, ?, 'tv', 'openid', 0, 1000, 5, 'pending')`);
    raw.transaction(() => {
      for (let i = 0; i < 1_250; i++) insert.run(`hash-${i}`, `CODE${i}`);
    })();
    const count = raw.prepare('SELECT COUNT(*) AS n FROM device_codes');

    const seen: number[] = [];
    let sampling = true;
    const sample = (): void => {
      seen.push((count.get() as { n: number }).n);
      if (sampling) setImmediate(sample);
    };
    sample();
    const deleted = await store.purgeExpired(1_000_000, 0);
    sampling = false;
    await new Promise((resolve) => setImmediate(resolve)); // the last sample runs before the close

    expect(PURGE_BATCH_ROWS).toBe(500);
    expect(deleted).toBe(1_250);
    // Between statements the loop ran (the sampler saw every intermediate state), and no
    // statement took more than one batch.
    const states = [...new Set(seen)];
    expect(states).toEqual([1_250, 750, 250, 0]);
    raw.close();
    await store.close();
  });
});
