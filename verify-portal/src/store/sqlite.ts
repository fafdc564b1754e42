/**
 * The embedded store: one SQLite file via better-sqlite3. better-sqlite3 is synchronous, so
 * within one process every statement is already atomic with respect to other calls; the
 * read-then-write methods still run inside `BEGIN IMMEDIATE` transactions so they stay atomic
 * when another process (an admin CLI, a second server by mistake) writes to the same file.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { logWarning } from '../observability/logger';
import { errorText, guardStore, isSqliteAway } from './faults';
import { sqliteRateLimits } from './sqlite-rate-limits';
import { PURGE_BATCH_ROWS, purgeInBatches } from './purge';
import { checkMigrations, schemaNotReady } from './migrations/migration';
import { sqliteMigrations } from './migrations/sqlite/index';
import {
  AUTHORIZATION_CODE_COLUMNS,
  AUTHORIZATION_REQUEST_COLUMNS,
  CLIENT_COLUMNS,
  CLIENT_UPDATES,
  DEVICE_CODE_COLUMNS,
  GRANT_COLUMNS,
  authorizationCodeParams,
  authorizationRequestParams,
  clientParams,
  deviceCodeParams,
  grantParams,
  num,
  placeholders,
  toAuthorizationCode,
  toAuthorizationRequest,
  toClient,
  toConsent,
  toDeviceCode,
  toGrant,
  toRefreshToken,
  toSession,
  toSigningKey,
  toThrottle,
  toUser,
} from './rows';
import type { Row } from './rows';
import { StoreConflictError } from './store';
import type { DeviceCodeRecord, GrantRecord, RedeemCodeResult, RotateResult, SessionRecord, Store } from './store';

/** How long a writer waits for another connection's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;
/** Rate-limit increments are written to the table at most this long after they happen. */
const RATE_LIMIT_FLUSH_MS = 1_000;
/** Rate-limit windows held in memory (~100 bytes each) before they are written out and dropped. */
const RATE_LIMIT_MAX_KEYS = 50_000;

function isInMemory(filename: string): boolean {
  return filename === '' || filename === ':memory:' || filename.startsWith('file:');
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Runs `fn`, turning unique-constraint violations into StoreConflictError. */
function conflicts<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new StoreConflictError(`${what} already exists`, { cause: err });
    throw err;
  }
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

  let closed = false;

  // Statements are prepared on first use after migrate() (the tables must exist to prepare them)
  // and reused from then on.
  const cache = new Map<string, Database.Statement<unknown[]>>();
  const stmt = (sql: string): Database.Statement<unknown[]> => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare<unknown[]>(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const get = (sql: string, ...params: unknown[]): Row | undefined => stmt(sql).get(...params) as Row | undefined;
  const all = (sql: string, ...params: unknown[]): Row[] => stmt(sql).all(...params) as Row[];
  const run = (sql: string, ...params: unknown[]): Database.RunResult => stmt(sql).run(...params);

  const SQL = {
    insertUser: 'INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    userByEmail: 'SELECT * FROM users WHERE email = ?',
    userById: 'SELECT * FROM users WHERE id = ?',
    updatePasswordHash: 'UPDATE users SET password_hash = ? WHERE id = ?',
    countUsers: 'SELECT COUNT(*) AS n FROM users',

    upsertClient: `INSERT INTO clients (${CLIENT_COLUMNS}) VALUES (${CLIENT_COLUMNS.split(',').map(() => '?').join(', ')})
      ON CONFLICT (client_id) DO UPDATE SET ${CLIENT_UPDATES}`,
    clientById: 'SELECT * FROM clients WHERE client_id = ?',
    listClients: 'SELECT * FROM clients ORDER BY client_id',

    deleteExpiredUserCode: 'DELETE FROM device_codes WHERE user_code = ? AND expires_at <= ?',
    insertDeviceCode: `INSERT INTO device_codes (${DEVICE_CODE_COLUMNS}) VALUES (${placeholders(DEVICE_CODE_COLUMNS, 'sqlite')})
      ON CONFLICT (user_code) DO NOTHING`,
    deviceCodeByHash: 'SELECT * FROM device_codes WHERE device_code_hash = ?',
    deviceCodeByUserCode: 'SELECT * FROM device_codes WHERE user_code = ? ORDER BY created_at DESC LIMIT 1',
    // `IS` compares NULLs as equal: a device that sent no name matches another that sent none.
    replacementDeviceCode: `SELECT * FROM device_codes WHERE client_id = ? AND client_ip IS ? AND device_name IS ? AND device_model IS ?
      AND created_at > ? AND status = 'pending' AND expires_at > ? ORDER BY created_at DESC LIMIT 1`,
    // RFC 8628 §3.5: a pending code polled sooner than `interval` seconds after the previous poll
    // gets slow_down, and the interval grows by 5 s for this and every later poll.
    // Only a slow_down writes: the raised interval is kept for this and every later poll.
    slowDown: 'UPDATE device_codes SET poll_interval = poll_interval + 5, last_polled_at = ? WHERE device_code_hash = ? RETURNING *',
    decide: `UPDATE device_codes SET status = @status, user_id = @userId, decided_at = @now,
        grant_id = @grantId, proximity = @proximity, proximity_policy = @policy, number_matched = @numberMatched
      WHERE user_code = @userCode AND status = 'pending' AND expires_at > @now RETURNING *`,
    redeem: `UPDATE device_codes SET status = 'redeemed'
      WHERE device_code_hash = ? AND status = 'approved' AND expires_at > ? RETURNING *`,
    // The first draw stays: racing confirm views (and reloads) all show the same three numbers.
    // COALESCE keeps a draw already stored.
    drawNumberMatch: `UPDATE device_codes SET match_number = COALESCE(match_number, ?), match_choices = COALESCE(match_choices, ?)
      WHERE device_code_hash = ? AND status = 'pending' AND expires_at > ? RETURNING *`,
    withdrawApproval: "UPDATE device_codes SET status = 'denied', decided_at = ? WHERE grant_id = ? AND user_id = ? AND status = 'approved' RETURNING *",

    insertGrant: `INSERT INTO grants (${GRANT_COLUMNS}) VALUES (${placeholders(GRANT_COLUMNS, 'sqlite')})`,
    grantById: 'SELECT * FROM grants WHERE id = ?',
    activeGrants: 'SELECT * FROM grants WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC',
    touchGrant: 'UPDATE grants SET last_used_at = ? WHERE id = ?',
    revokeGrant: 'UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    revokeGrantTokens: 'UPDATE refresh_tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL',
    revokeDeviceGrants: `UPDATE grants SET revoked_at = ?
      WHERE client_id = ? AND device_id_hash = ? AND revoked_at IS NULL RETURNING id`,

    insertRefreshToken: `INSERT INTO refresh_tokens (token_hash, grant_id, scope, created_at, expires_at, rotated_at, revoked_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`,
    refreshTokenByHash: 'SELECT * FROM refresh_tokens WHERE token_hash = ?',
    tokenWithGrant: `SELECT t.grant_id, t.expires_at, t.rotated_at, t.revoked_at, g.revoked_at AS grant_revoked_at
      FROM refresh_tokens t JOIN grants g ON g.id = t.grant_id WHERE t.token_hash = ?`,
    markRotated: 'UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ? AND rotated_at IS NULL',

    insertAuthorizationCode: `INSERT INTO authorization_codes (${AUTHORIZATION_CODE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    authorizationCodeByHash: 'SELECT * FROM authorization_codes WHERE code_hash = ?',
    // RFC 6749 §4.1.2: single use. The condition makes exactly one of racing redemptions win.
    redeemAuthorizationCode: `UPDATE authorization_codes SET redeemed_at = ?
      WHERE code_hash = ? AND redeemed_at IS NULL AND expires_at > ? RETURNING *`,
    insertAuthorizationRequest: `INSERT INTO authorization_requests (${AUTHORIZATION_REQUEST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    authorizationRequestByHash: 'SELECT * FROM authorization_requests WHERE id_hash = ? AND expires_at > ?',
    takeAuthorizationRequest: 'DELETE FROM authorization_requests WHERE id_hash = ? AND expires_at > ? RETURNING *',
    consentOf: 'SELECT * FROM consents WHERE user_id = ? AND client_id = ?',
    saveConsent: `INSERT INTO consents (user_id, client_id, scope, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope, updated_at = excluded.updated_at`,
    listConsents: 'SELECT * FROM consents WHERE user_id = ? ORDER BY updated_at DESC, client_id',
    deleteConsent: 'DELETE FROM consents WHERE user_id = ? AND client_id = ?',

    // RFC 7523 §3 item 7: the insert is the replay check. A row left over from an expired
    // assertion (not yet purged) is taken over; a live one makes this return nothing.
    recordClientAssertion: `INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (client_id, jti) DO UPDATE SET expires_at = excluded.expires_at
      WHERE client_assertion_jtis.expires_at <= ? RETURNING jti`,

    insertSigningKey: 'INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)',
    listSigningKeys: 'SELECT * FROM signing_keys ORDER BY created_at DESC, rowid DESC LIMIT ?',
    replaceSigningKeyPrivateJwk: 'UPDATE signing_keys SET private_jwk = ? WHERE kid = ? AND private_jwk = ?',

    insertSession: `INSERT INTO sessions (id_hash, user_id, auth_time, created_at, expires_at, data) VALUES (?, ?, ?, ?, ?, ?)`,
    // Keeps the new session and the user's newest live others, up to the cap; the rest go.
    trimSessions: `DELETE FROM sessions WHERE user_id = ? AND id_hash NOT IN (
      SELECT id_hash FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY id_hash = ? DESC, created_at DESC, rowid DESC LIMIT ?)`,
    sessionByHash: 'SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?',
    updateSessionData: 'UPDATE sessions SET data = ? WHERE id_hash = ? AND expires_at > ?',
    deleteSession: 'DELETE FROM sessions WHERE id_hash = ?',

    throttleOf: 'SELECT * FROM throttles WHERE subject = ? AND expires_at > ?',
    // No live row: insert, or take over an expired one. A live row makes this return nothing.
    claimNewThrottle: `INSERT INTO throttles (subject, failures, next_allowed_at, expires_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures, next_allowed_at = excluded.next_allowed_at, expires_at = excluded.expires_at
      WHERE throttles.expires_at <= ? RETURNING subject`,
    // Compare-and-set: only from the very state the caller saw.
    claimThrottle: `UPDATE throttles SET failures = ?, next_allowed_at = ?, expires_at = ?
      WHERE subject = ? AND failures = ? AND next_allowed_at = ? AND expires_at = ? AND expires_at > ? RETURNING subject`,
    clearThrottle: 'DELETE FROM throttles WHERE subject = ?',

    touchReadiness: 'INSERT INTO readiness (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at',

  } as const;

  /**
   * When each device code was last polled, in memory. SQLite serves one instance (several
   * instances use PostgreSQL), so this process sees every poll; writing each one to disk would
   * make every pending poll a write transaction, the largest cost of a poll by far. What a
   * restart forgets is harmless: the first poll afterwards cannot earn slow_down. Entries go
   * when `purgeExpired` runs; the interval itself is stored (RFC 8628 §3.5: it holds for every
   * later poll).
   */
  const lastPolls = new Map<string, number>();
  const withLastPoll = (record: DeviceCodeRecord): DeviceCodeRecord => {
    const last = lastPolls.get(record.deviceCodeHash);
    return last === undefined || (record.lastPolledAt !== null && record.lastPolledAt >= last) ? record : { ...record, lastPolledAt: last };
  };

  // Synchronous from read to write, so no other poll in this process can come in between.
  const recordPoll = (hash: string, now: number): { record: DeviceCodeRecord; tooFast: boolean } | undefined => {
    const row = get(SQL.deviceCodeByHash, hash);
    if (!row) return undefined;
    const before = withLastPoll(toDeviceCode(row));
    const tooFast = before.status === 'pending' && before.lastPolledAt !== null && now - before.lastPolledAt < before.interval * 1000;
    lastPolls.set(hash, now);
    if (!tooFast) return { record: { ...before, lastPolledAt: now }, tooFast };
    const after = get(SQL.slowDown, now, hash);
    return after && { record: toDeviceCode(after), tooFast };
  };

  const insertDeviceCodeTx = db.transaction((record: DeviceCodeRecord) => {
    run(SQL.deleteExpiredUserCode, record.userCode, record.createdAt);
    return run(SQL.insertDeviceCode, ...deviceCodeParams(record)).changes === 1;
  });

  const createSessionTx = db.transaction((x: SessionRecord, maxPerUser: number) => {
    run(SQL.insertSession, x.idHash, x.userId, x.authTime, x.createdAt, x.expiresAt, x.data);
    run(SQL.trimSessions, x.userId, x.userId, x.createdAt, x.idHash, maxPerUser);
  });

  const revokeGrantTx = db.transaction((id: string, now: number) => {
    if (run(SQL.revokeGrant, now, id).changes === 0) return false;
    run(SQL.revokeGrantTokens, now, id);
    return true;
  });

  const rotateTx = db.transaction((oldHash: string, next: { grantId: string; insert: unknown[] }, now: number): RotateResult => {
    const old = get(SQL.tokenWithGrant, oldHash);
    if (!old || old.revoked_at !== null || old.grant_revoked_at !== null) return 'invalid';
    const grantId = old.grant_id as string;
    if (old.rotated_at !== null) {
      // RFC 9700 §4.14.2: a rotated token presented again means two parties hold the family.
      run(SQL.revokeGrant, now, grantId);
      run(SQL.revokeGrantTokens, now, grantId);
      return 'reused';
    }
    if (num(old.expires_at) <= now) return 'invalid';
    if (next.grantId !== grantId) throw new Error('rotateRefreshToken: next token must belong to the same grant');
    run(SQL.markRotated, now, oldHash);
    conflicts('refresh token', () => run(SQL.insertRefreshToken, ...next.insert));
    return 'rotated';
  });

  const insertGrant = (g: GrantRecord): void => {
    // STRICT tables hold booleans as 0/1.
    conflicts('grant', () => run(SQL.insertGrant, ...grantParams(g).map((v) => (typeof v === 'boolean' ? Number(v) : v))));
  };

  const redeemDeviceCodeTx = db.transaction((hash: string, grant: GrantRecord, now: number): DeviceCodeRecord | undefined => {
    const row = get(SQL.redeem, hash, now);
    if (!row) return undefined;
    const record = toDeviceCode(row);
    if (record.approval && record.approval.grantId !== grant.id) throw new Error("redeemDeviceCode: the grant's id must be the approval's grantId");
    insertGrant(grant);
    return record;
  });

  const revokeDeviceGrantsTx = db.transaction((clientId: string, deviceIdHash: string, now: number): string[] => {
    const ids = all(SQL.revokeDeviceGrants, now, clientId, deviceIdHash).map((r) => r.id as string);
    for (const id of ids) run(SQL.revokeGrantTokens, now, id);
    return ids;
  });

  const redeemCodeTx = db.transaction((hash: string, grant: GrantRecord, now: number): RedeemCodeResult => {
    const redeemed = get(SQL.redeemAuthorizationCode, now, hash, now);
    if (redeemed) {
      const code = toAuthorizationCode(redeemed);
      if (grant.id !== code.grantId) throw new Error("redeemAuthorizationCode: the grant's id must be the code's grantId");
      insertGrant(grant);
      return { status: 'redeemed', code };
    }
    const row = get(SQL.authorizationCodeByHash, hash);
    if (!row || row.redeemed_at === null) return { status: 'invalid' };
    // RFC 6749 §4.1.2: used twice — revoke what the first redemption issued.
    const code = toAuthorizationCode(row);
    run(SQL.revokeGrant, now, code.grantId);
    run(SQL.revokeGrantTokens, now, code.grantId);
    return { status: 'reused', code };
  });

  // Counted in memory, written in the background (sqlite-rate-limits.ts): exact for the one instance SQLite serves.
  const rateLimits = sqliteRateLimits(db, {
    flushIntervalMs: RATE_LIMIT_FLUSH_MS,
    maxKeys: RATE_LIMIT_MAX_KEYS,
    onFlushError: (err) => (options.log ?? logWarning)(`[store] sqlite rate-limit counts not written yet (${errorText(err)}); retrying`),
  });

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

  const store: Store = {
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
      rateLimits.close();
      cache.clear();
      db.close();
    },

    async createUser(user) {
      conflicts('user', () =>
        run(SQL.insertUser, user.id, user.email.toLowerCase(), user.name, user.passwordHash, user.createdAt),
      );
    },
    async findUserByEmail(email) {
      const row = get(SQL.userByEmail, email.toLowerCase());
      return row && toUser(row);
    },
    async findUserById(id) {
      const row = get(SQL.userById, id);
      return row && toUser(row);
    },
    async updatePasswordHash(userId, passwordHash) {
      run(SQL.updatePasswordHash, passwordHash, userId);
    },
    async countUsers() {
      return num(get(SQL.countUsers)?.n);
    },

    async upsertClient(client) {
      // STRICT tables hold booleans as 0/1.
      run(SQL.upsertClient, ...clientParams(client).map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
    },
    async findClient(clientId) {
      const row = get(SQL.clientById, clientId);
      return row && toClient(row);
    },
    async listClients() {
      return all(SQL.listClients).map(toClient);
    },

    async insertDeviceCode(record) {
      // One INSERT in the common case. Only when the user code is taken (rare: 20^8 codes) may an
      // expired holder give it up, which needs the delete and the insert in one transaction.
      return conflicts('device code', () => run(SQL.insertDeviceCode, ...deviceCodeParams(record)).changes === 1 || insertDeviceCodeTx.immediate(record));
    },
    async findDeviceCode(hash) {
      const row = get(SQL.deviceCodeByHash, hash);
      return row && withLastPoll(toDeviceCode(row));
    },
    async findDeviceCodeByUserCode(userCode) {
      const row = get(SQL.deviceCodeByUserCode, userCode);
      return row && toDeviceCode(row);
    },
    async findReplacementDeviceCode(previous, now) {
      const row = get(SQL.replacementDeviceCode, previous.clientId, previous.clientIp, previous.deviceName, previous.deviceModel, previous.createdAt, now);
      return row && toDeviceCode(row);
    },
    async recordDevicePoll(hash, now) {
      return recordPoll(hash, now);
    },
    async decideDeviceCode(userCode, decision, now) {
      const approval = decision.status === 'approved' ? decision.approval : undefined;
      const row = get(SQL.decide, {
        status: decision.status,
        userId: decision.status === 'approved' ? decision.userId : null,
        now,
        userCode,
        grantId: approval?.grantId ?? null,
        proximity: approval?.proximity ?? null,
        policy: approval?.policy ?? null,
        numberMatched: approval?.numberMatched ? 1 : 0,
      });
      return row && toDeviceCode(row);
    },
    async redeemDeviceCode(hash, grant, now) {
      return conflicts('grant', () => redeemDeviceCodeTx.immediate(hash, grant, now));
    },
    async drawNumberMatch(hash, draw, now) {
      const row = get(SQL.drawNumberMatch, draw.number, JSON.stringify(draw.choices), hash, now);
      return row && toDeviceCode(row);
    },
    async withdrawDeviceApproval(grantId, userId, now) {
      const row = get(SQL.withdrawApproval, now, grantId, userId);
      return row && toDeviceCode(row);
    },

    async createGrant(g) {
      insertGrant(g);
    },
    async findGrant(id) {
      const row = get(SQL.grantById, id);
      return row && toGrant(row);
    },
    async listActiveGrants(userId) {
      return all(SQL.activeGrants, userId).map(toGrant);
    },
    async touchGrant(id, now) {
      run(SQL.touchGrant, now, id);
    },
    async revokeGrant(id, now) {
      return revokeGrantTx.immediate(id, now);
    },
    async revokeDeviceGrants(clientId, deviceIdHash, now) {
      return revokeDeviceGrantsTx.immediate(clientId, deviceIdHash, now);
    },

    async insertRefreshToken(t) {
      conflicts('refresh token', () =>
        run(SQL.insertRefreshToken, t.tokenHash, t.grantId, t.scope, t.createdAt, t.expiresAt, t.rotatedAt, t.revokedAt),
      );
    },
    async findRefreshToken(hash) {
      const row = get(SQL.refreshTokenByHash, hash);
      return row && toRefreshToken(row);
    },
    async rotateRefreshToken(oldHash, next, now) {
      const insert = [next.tokenHash, next.grantId, next.scope, next.createdAt, next.expiresAt, next.rotatedAt, next.revokedAt];
      return rotateTx.immediate(oldHash, { grantId: next.grantId, insert }, now);
    },

    async insertAuthorizationCode(c) {
      conflicts('authorization code', () => run(SQL.insertAuthorizationCode, ...authorizationCodeParams(c)));
    },
    async findAuthorizationCode(hash) {
      const row = get(SQL.authorizationCodeByHash, hash);
      return row && toAuthorizationCode(row);
    },
    async redeemAuthorizationCode(hash, grant, now) {
      return redeemCodeTx.immediate(hash, grant, now);
    },
    async insertAuthorizationRequest(r) {
      conflicts('authorization request', () => run(SQL.insertAuthorizationRequest, ...authorizationRequestParams(r)));
    },
    async findAuthorizationRequest(idHash, now) {
      const row = get(SQL.authorizationRequestByHash, idHash, now);
      return row && toAuthorizationRequest(row);
    },
    async takeAuthorizationRequest(idHash, now) {
      const row = get(SQL.takeAuthorizationRequest, idHash, now);
      return row && toAuthorizationRequest(row);
    },
    async findConsent(userId, clientId) {
      const row = get(SQL.consentOf, userId, clientId);
      return row && toConsent(row);
    },
    async saveConsent(c) {
      run(SQL.saveConsent, c.userId, c.clientId, c.scope, c.createdAt, c.updatedAt);
    },
    async listConsents(userId) {
      return all(SQL.listConsents, userId).map(toConsent);
    },
    async deleteConsent(userId, clientId) {
      return run(SQL.deleteConsent, userId, clientId).changes === 1;
    },

    async recordClientAssertion(clientId, jti, expiresAt, now) {
      return get(SQL.recordClientAssertion, clientId, jti, expiresAt, now) !== undefined;
    },

    async insertSigningKey(k) {
      conflicts('signing key', () => run(SQL.insertSigningKey, k.kid, k.alg, k.privateJwk, k.publicJwk, k.createdAt));
    },
    async listSigningKeys(limit) {
      return all(SQL.listSigningKeys, limit).map(toSigningKey);
    },
    async replaceSigningKeyPrivateJwk(kid, from, to) {
      return run(SQL.replaceSigningKeyPrivateJwk, to, kid, from).changes === 1;
    },

    async createSession(x, maxPerUser) {
      conflicts('session', () => createSessionTx.immediate(x, maxPerUser));
    },
    async findSession(idHash, now) {
      const row = get(SQL.sessionByHash, idHash, now);
      return row && toSession(row);
    },
    async updateSessionData(idHash, data, now) {
      return run(SQL.updateSessionData, data, idHash, now).changes === 1;
    },
    async deleteSession(idHash) {
      run(SQL.deleteSession, idHash);
    },

    async hitRateLimit(key, windowMs, now) {
      return rateLimits.hit(key, windowMs, now);
    },
    async peekRateLimit(key, windowMs, now) {
      return rateLimits.peek(key, windowMs, now);
    },

    async peekThrottle(subject, now) {
      const row = get(SQL.throttleOf, subject, now);
      return row && toThrottle(row);
    },
    async claimThrottle(subject, seen, next, now) {
      const row = seen
        ? get(SQL.claimThrottle, next.failures, next.nextAllowedAt, next.expiresAt, subject, seen.failures, seen.nextAllowedAt, seen.expiresAt, now)
        : get(SQL.claimNewThrottle, subject, next.failures, next.nextAllowedAt, next.expiresAt, now);
      return row !== undefined;
    },
    async clearThrottle(subject) {
      run(SQL.clearThrottle, subject);
    },

    async purgeExpired(now, graceMs) {
      rateLimits.flush(); // the table must hold every count before old windows go
      // rowid batches: each DELETE is its own short write transaction (see purge.ts).
      const deleted = await purgeInBatches(now, graceMs, (target, cutoff) =>
        run(`DELETE FROM ${target.table} WHERE rowid IN (SELECT rowid FROM ${target.table} WHERE ${target.where.replaceAll(':cutoff', '@cutoff')} LIMIT ${PURGE_BATCH_ROWS})`, { cutoff }).changes,
      );
      // A poll that long ago can no longer make any interval too short.
      for (const [hash, at] of lastPolls) if (at < now - graceMs) lastPolls.delete(hash);
      rateLimits.forget(); // purged windows must not live on in memory
      return deleted;
    },
  };
  return guardStore(store, isSqliteAway, options.log);
}
