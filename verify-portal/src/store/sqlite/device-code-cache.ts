/**
 * Device codes as this process last read or wrote them, so that a poll — what every waiting
 * device repeats every few seconds — is answered without SQL. A point read by hash cost 4–12 µs
 * (the statement, its locks and a 20-column row built into an object), the largest part of a
 * pending poll after the HTTP work itself.
 *
 * Exact while this process is the database's only writer, as SQLite is meant to serve one
 * instance (several use PostgreSQL): every write to `device_codes` goes through
 * device-codes.ts, which puts the row it wrote (RETURNING *) here, and purges drop what they
 * delete. Another connection's write (the admin CLI, a test, a second process by mistake) is
 * noticed through `PRAGMA data_version`, which changes with any other connection's commit; it is
 * checked before every answer from memory (a statement of ~3 µs, far less than the row read it
 * saves), and a change empties the cache. Checking once per turn of the event loop instead was
 * not exact: a look made in a `setImmediate` callback (the group commit's) kept the flag until
 * the next turn's check phase, so a request read in that turn's poll phase — sent after another
 * connection's commit, on a busy machine — got the record from before it. Records are handed
 * out as copies: callers may change them.
 */
import type Database from 'better-sqlite3';
import type { DeviceCodeRecord } from '../records/device-codes';

export interface DeviceCodeCache {
  /** A copy of the code as last read or written, or undefined (then read it, and `put` it). */
  get(hash: string): DeviceCodeRecord | undefined;
  put(record: DeviceCodeRecord): void;
  /** The code's row was deleted. */
  forget(hash: string): void;
  /** After a purge: codes that expired before `cutoff` are gone from the table. */
  forgetExpiredBefore(cutoff: number): void;
}

export function deviceCodeCache(db: Database.Database, maxEntries: number): DeviceCodeCache {
  const records = new Map<string, DeviceCodeRecord>();
  const dataVersion = db.prepare<[]>('PRAGMA data_version').pluck();
  let seenVersion = dataVersion.get();

  /** Empties the cache if another connection has committed since the last look. */
  const validate = (): void => {
    const version = dataVersion.get();
    if (version !== seenVersion) records.clear();
    seenVersion = version;
  };

  return {
    get(hash) {
      validate();
      const record = records.get(hash);
      return record && { ...record };
    },
    // No look here: a change since the last one still empties the cache at the next `get`.
    put(record) {
      if (records.size >= maxEntries) records.clear();
      records.set(record.deviceCodeHash, { ...record });
    },
    forget(hash) {
      records.delete(hash);
    },
    forgetExpiredBefore(cutoff) {
      for (const [hash, record] of records) if (record.expiresAt < cutoff) records.delete(hash);
    },
  };
}
