/** The SQLite database as a whole: migrations, readiness, purging, closing. */
import { errorText } from '../faults';
import { checkMigrations, schemaNotReady } from '../migrations/migration';
import { sqliteMigrations } from '../migrations/sqlite/index';
import { PURGE_BATCH_ROWS, purgeInBatches } from '../purge';
import type { DatabaseStore } from '../records/database';
import { num, type Row } from '../rows';
import type { BackgroundCheckpoints } from './checkpoints';
import type { DeviceCodeCache } from './device-code-cache';
import type { SqliteDb } from './db';
import { forgetPollsBefore, type LastPolls } from './device-codes';
import type { SqliteRateLimits } from './rate-limits';

const SQL = {
  touchReadiness: 'INSERT INTO readiness (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at',
} as const;

/** What the database holds in this process's memory besides its statements: cleared by a purge, written at close. */
interface InMemory {
  lastPolls: LastPolls;
  deviceCodes: DeviceCodeCache;
  rateLimits: SqliteRateLimits;
  /** The checkpoint worker, stopped before the connection closes (none for in-memory and read-only databases). */
  checkpoints: BackgroundCheckpoints | undefined;
}

export function sqliteDatabase(q: SqliteDb, { lastPolls, deviceCodes, rateLimits, checkpoints }: InMemory): DatabaseStore {
  const { db, get, run } = q;
  let closed = false;

  const migrateTx = db.transaction((): number => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT    NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const current = num((db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as Row).v);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    let version = current;
    for (const m of sqliteMigrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
      version = m.version;
    }
    return version;
  });

  return {
    kind: 'sqlite',

    async migrate() {
      checkMigrations(sqliteMigrations);
      const version = migrateTx.immediate();
      const latest = sqliteMigrations.at(-1)?.version ?? 0;
      if (version > latest) {
        throw new Error(`database schema version ${version} is newer than this build knows (${latest})`);
      }
      return version;
    },

    async checkReady() {
      try {
        const migrated = get("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") !== undefined;
        const version = migrated ? num(get('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')?.v) : 0;
        const behind = schemaNotReady(version, sqliteMigrations.at(-1)?.version ?? 0);
        if (behind) return { ready: false, reason: behind };
        // A real write: a read-only file or directory (SQLITE_READONLY, SQLITE_CANTOPEN), a full
        // disk (SQLITE_FULL) or an I/O error still answers reads.
        run(SQL.touchReadiness, Date.now());
        return { ready: true };
      } catch (err) {
        return { ready: false, reason: `database not writable: ${errorText(err)}` };
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await checkpoints?.stop();
      rateLimits.close();
      q.clearStatements();
      db.close();
    },

    async purgeExpired(now, graceMs) {
      rateLimits.flush(); // the table must hold every count before old windows go
      // rowid batches: each DELETE is its own short write transaction (see purge.ts).
      const deleted = await purgeInBatches(now, graceMs, (target, cutoff) =>
        run(`DELETE FROM ${target.table} WHERE rowid IN (SELECT rowid FROM ${target.table} WHERE ${target.where.replaceAll(':cutoff', '@cutoff')} LIMIT ${PURGE_BATCH_ROWS})`, { cutoff }).changes,
      );
      forgetPollsBefore(lastPolls, now - graceMs);
      deviceCodes.forgetExpiredBefore(now - graceMs);
      rateLimits.forget(); // purged windows must not live on in memory
      return deleted;
    },
  };
}
