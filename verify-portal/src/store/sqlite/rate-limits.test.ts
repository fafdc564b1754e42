import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStore } from './index';
import type { Store } from '../store';

const MIN = 60_000;
const T0 = 1_700_000_040_000; // on a minute boundary

describe('SQLite rate-limit counters (in memory, written in the background)', () => {
  let dir: string;
  let file: string;
  let store: Store;
  /** Another connection to the same file: what the table holds. */
  let reader: Database.Database;
  const inTable = (key: string, start: number): number =>
    (reader.prepare('SELECT count FROM rate_limits WHERE key = ? AND window_start = ?').get(key, start) as { count: number } | undefined)?.count ?? 0;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pairgate-rl-'));
    file = join(dir, 'p.db');
    store = openSqliteStore(file);
    await store.migrate();
    reader = new Database(file, { readonly: true });
  });
  afterEach(async () => {
    vi.useRealTimers();
    reader.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts every hit at once and writes them together, not one write per hit', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const results = await Promise.all(Array.from({ length: 500 }, () => store.hitRateLimit('issue-network:203.0.113.0/24', MIN, T0 + 5)));
    expect(results.map((r) => r.current)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(inTable('issue-network:203.0.113.0/24', T0)).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(inTable('issue-network:203.0.113.0/24', T0)).toBe(500);
    expect(await store.hitRateLimit('issue-network:203.0.113.0/24', MIN, T0 + MIN)).toEqual({ current: 1, previous: 500 });
  });

  it('starts from what the table holds, and a close writes what is pending', async () => {
    await store.hitRateLimit('k', MIN, T0);
    await store.hitRateLimit('k', MIN, T0 + MIN);
    await store.close();
    store = openSqliteStore(file);
    expect(await store.peekRateLimit('k', MIN, T0 + MIN)).toEqual({ current: 1, previous: 1 });
    expect(await store.hitRateLimit('k', MIN, T0 + MIN + 1)).toEqual({ current: 2, previous: 1 });
  });

  it('adds to counts another writer put in the table meanwhile', async () => {
    await store.hitRateLimit('k', MIN, T0);
    const other = new Database(file);
    other.prepare('INSERT INTO rate_limits (key, window_start, window_end, count) VALUES (?, ?, ?, 7) ON CONFLICT (key, window_start) DO UPDATE SET count = count + 7').run('k', T0, T0 + MIN);
    other.close();
    await store.close();
    store = openSqliteStore(file);
    expect(await store.peekRateLimit('k', MIN, T0)).toEqual({ current: 8, previous: 0 });
  });

  it('a purge writes the counts first and forgets purged windows', async () => {
    await store.hitRateLimit('k', MIN, T0 - 2 * MIN);
    await store.hitRateLimit('k', MIN, T0 - MIN);
    await store.purgeExpired(T0 + 1, 0);
    // The window two back is gone from the table and from memory; the previous one still counts.
    expect(inTable('k', T0 - 2 * MIN)).toBe(0);
    expect(inTable('k', T0 - MIN)).toBe(1);
    expect(await store.peekRateLimit('k', MIN, T0 - MIN)).toEqual({ current: 1, previous: 0 });
  });
});
