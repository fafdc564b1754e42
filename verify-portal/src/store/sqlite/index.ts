/**
 * The embedded store: one SQLite file via better-sqlite3, one module per concept, assembled
 * here. better-sqlite3 is synchronous, so within one process every statement is already atomic
 * with respect to other calls; the read-then-write methods still run inside `BEGIN IMMEDIATE`
 * transactions so they stay atomic when another process (an admin CLI, a second server by
 * mistake) writes to the same file.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { logWarning } from '../../observability/logger';
import { errorText, guardStore, isSqliteAway } from '../faults';
import type { Store } from '../store';
import { sqliteAuthorization } from './authorization';
import { checkpointInBackground } from './checkpoints';
import { sqliteClients } from './clients';
import { sqliteDatabase } from './database';
import { sqliteDb } from './db';
import { deviceCodeCache } from './device-code-cache';
import { sqliteDeviceCodes, type LastPolls } from './device-codes';
import { sqliteGrants } from './grants';
import { sqliteSigningKeys } from './keys';
import { sqliteLimits } from './limits';
import { sqliteRateLimits } from './rate-limits';
import { sqliteSessions } from './sessions';
import { sqliteUsers } from './users';

/** How long a writer waits for another connection's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;
/** Device codes remembered in memory (device-code-cache.ts, ~1 KB each); past this it starts over. */
const DEVICE_CODE_CACHE_ENTRIES = 200_000;
/** How often the worker copies the WAL back into the database file (checkpoints.ts). */
const CHECKPOINT_INTERVAL_MS = 200;
/** Rate-limit increments are written to the table at most this long after they happen. */
const RATE_LIMIT_FLUSH_MS = 1_000;
/** Rate-limit windows held in memory (~100 bytes each) before they are written out and dropped. */
const RATE_LIMIT_MAX_KEYS = 50_000;

function isInMemory(filename: string): boolean {
  return filename === '' || filename === ':memory:' || filename.startsWith('file:');
}

export interface SqliteStoreOptions {
  /**
   * Open the file read-only: what SQLite falls back to by itself when the file or its directory
   * is write-protected. Reads work and every write fails with SQLITE_READONLY; for inspecting a
   * database without touching it (and for testing that a read-only one is reported not ready).
   */
  readonly?: boolean;
  /** Where outage transitions are logged (once each). Default: the process's logger, at warn. */
  log?: (line: string) => void;
}

export function openSqliteStore(filename: string, options: SqliteStoreOptions = {}): Store {
  if (!isInMemory(filename) && !options.readonly) mkdirSync(dirname(filename), { recursive: true });
  const db = new Database(filename, { readonly: options.readonly ?? false });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // WAL + NORMAL is durable across application crashes; only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL');
  } catch (err) {
    db.close();
    throw err;
  }

  // A file the process writes: its WAL is checkpointed by a worker thread, not on the event loop (checkpoints.ts).
  const checkpoints = isInMemory(filename) || options.readonly
    ? undefined
    : checkpointInBackground(db, {
        intervalMs: CHECKPOINT_INTERVAL_MS,
        onError: (message) => (options.log ?? logWarning)(`[store] sqlite background checkpoints stopped (${message}); SQLite checkpoints by itself`),
      });

  const q = sqliteDb(db);
  const lastPolls: LastPolls = new Map();
  const deviceCodes = deviceCodeCache(db, DEVICE_CODE_CACHE_ENTRIES);
  // Counted in memory, written in the background (rate-limits.ts): exact for the one instance SQLite serves.
  const rateLimits = sqliteRateLimits(db, {
    flushIntervalMs: RATE_LIMIT_FLUSH_MS,
    maxKeys: RATE_LIMIT_MAX_KEYS,
    onFlushError: (err) => (options.log ?? logWarning)(`[store] sqlite rate-limit counts not written yet (${errorText(err)}); retrying`),
  });

  const store: Store = {
    ...sqliteDatabase(q, { lastPolls, deviceCodes, rateLimits, checkpoints }),
    ...sqliteUsers(q),
    ...sqliteClients(q),
    ...sqliteDeviceCodes(q, lastPolls, deviceCodes),
    ...sqliteGrants(q),
    ...sqliteAuthorization(q),
    ...sqliteSigningKeys(q),
    ...sqliteSessions(q),
    ...sqliteLimits(q, rateLimits),
  };
  return guardStore(store, isSqliteAway, options.log);
}
