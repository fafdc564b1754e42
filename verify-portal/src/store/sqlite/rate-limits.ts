/**
 * The SQLite store's rate-limit counters: counted in memory, written to `rate_limits` in the
 * background.
 *
 * Why: SQLite serves one instance (several instances use PostgreSQL), so this process sees every
 * hit and its in-memory count is exact. Written through, every hit was a write transaction of
 * its own plus a read of the previous window — two per device authorization (the issuance limits
 * per network and per client): more than the device code's own insert. Now a hit is a map update,
 * and the increments reach the table together, one transaction per `flushIntervalMs`, so the
 * counts survive a restart (a crash loses at most that interval's, which only makes a limit a
 * little more lenient once).
 *
 * The table stays the record: a key not in memory is read from it (its current and previous
 * windows) before it is counted, pending increments are written before a purge or a close, and
 * when more than `maxKeys` windows are held (a flood from many networks) they are written and
 * dropped from memory, to be read again when next used.
 */
import type Database from 'better-sqlite3';
import { num, rateLimitWindow } from '../rows';
import type { RateLimitCounts } from '../records/limits';

export interface SqliteRateLimitOptions {
  /** How long increments wait before they are written (one transaction for all of them). */
  flushIntervalMs: number;
  /** Windows held in memory before they are written and dropped. */
  maxKeys: number;
  /** A background write failed (told once per run of failures; it is retried every interval). */
  onFlushError(err: unknown): void;
}

interface Window {
  key: string;
  start: number;
  end: number;
  count: number;
  /** Hits not yet written to the table. */
  pending: number;
}

export interface SqliteRateLimits {
  hit(key: string, windowMs: number, now: number): RateLimitCounts;
  peek(key: string, windowMs: number, now: number): RateLimitCounts;
  /** Writes every pending increment now (before a purge, at close); throws if the database does. */
  flush(): void;
  /** Forgets what is in memory (after a purge deleted rows); the table is read again on next use. */
  forget(): void;
  /** Writes what is pending (best effort) and stops the timer. */
  close(): void;
}

export function sqliteRateLimits(db: Database.Database, options: SqliteRateLimitOptions): SqliteRateLimits {
  const windows = new Map<string, Window>();
  let timer: NodeJS.Timeout | undefined;
  // Prepared on first use: the table exists only after migrate().
  let statements: { count: Database.Statement<[string, number]>; add: Database.Statement<[string, number, number, number]> } | undefined;
  const prepared = () =>
    (statements ??= {
      count: db.prepare<[string, number]>('SELECT count FROM rate_limits WHERE key = ? AND window_start = ?'),
      // The conflict clause adds to what is there (another process, or an earlier flush).
      add: db.prepare<[string, number, number, number]>(`INSERT INTO rate_limits (key, window_start, window_end, count) VALUES (?, ?, ?, ?)
        ON CONFLICT (key, window_start) DO UPDATE SET count = count + excluded.count`),
    });

  const windowOf = (key: string, start: number, end: number): Window => {
    const id = `${start}:${key}`;
    let w = windows.get(id);
    if (!w) {
      const row = prepared().count.get(key, start) as { count: unknown } | undefined;
      w = { key, start, end, count: row ? num(row.count) : 0, pending: 0 };
      windows.set(id, w);
    }
    return w;
  };

  /** Windows with hits not yet written. */
  const dirty = new Set<Window>();
  const writeAll = db.transaction((batch: Window[]) => {
    const { add } = prepared();
    for (const w of batch) add.run(w.key, w.start, w.end, w.pending);
  });

  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (dirty.size === 0) return;
    const batch = [...dirty];
    writeAll.immediate(batch); // all or nothing: on a throw every increment stays pending
    for (const w of batch) w.pending = 0;
    dirty.clear();
  };

  let failing = false;
  const flushLater = (): void => {
    timer ??= setTimeout(() => {
      timer = undefined;
      try {
        flush();
        failing = false;
      } catch (err) {
        if (!failing) options.onFlushError(err);
        failing = true;
        flushLater(); // the increments are still pending: try again
      }
    }, options.flushIntervalMs).unref();
  };

  const makeRoom = (): void => {
    if (windows.size < options.maxKeys) return;
    flush();
    windows.clear();
  };

  return {
    hit(key, windowMs, now) {
      const { start, end } = rateLimitWindow(windowMs, now);
      makeRoom();
      const current = windowOf(key, start, end);
      current.count += 1;
      current.pending += 1;
      dirty.add(current);
      flushLater();
      return { current: current.count, previous: windowOf(key, start - windowMs, start).count };
    },
    peek(key, windowMs, now) {
      const { start, end } = rateLimitWindow(windowMs, now);
      makeRoom();
      return { current: windowOf(key, start, end).count, previous: windowOf(key, start - windowMs, start).count };
    },
    flush,
    forget() {
      flush();
      windows.clear();
    },
    close() {
      try {
        flush();
      } catch (err) {
        options.onFlushError(err); // closing anyway: these few counts are lost
      }
      windows.clear();
    },
  };
}
