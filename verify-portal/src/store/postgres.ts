/**
 * The PostgreSQL store, for several instances behind a load balancer. Every state change that
 * can race (polls, decisions, redemptions, refresh-token rotation, revocation) is one
 * conditional statement or one transaction on a dedicated pool client, so concurrent requests
 * on any instance see exactly one winner.
 *
 * BIGINT epoch-ms columns come back from pg as strings; `rows.ts` parses them per column rather
 * than through pg's global type parsers, which would change results for every other user of pg.
 */
import pg from 'pg';
import { databaseDefaults, type DatabaseSettings } from '../defaults';
import { errorText, guardStore, isPostgresAway } from './faults';
import { PURGE_BATCH_ROWS, purgeInBatches } from './purge';
import { checkMigrations, schemaNotReady } from './migrations/migration';
import { postgresMigrations } from './migrations/postgres/index';
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
  rateLimitWindow,
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
import type { RedeemCodeResult, RotateResult, Store } from './store';

/** Pool size and timeouts; defaults and why in `databaseDefaults` (src/defaults.ts). */
export type PostgresStoreOptions = Partial<Omit<DatabaseSettings, 'listenerHeartbeatMs' | 'reconnectMinDelayMs' | 'reconnectMaxDelayMs'>> & {
  /** Where outage transitions are logged (once each). Default: the process's logger, at warn. */
  log?: (line: string) => void;
};

/** The `pg.Pool` configuration for these settings: every connection carries the timeouts. */
export function poolConfig(url: string, options: PostgresStoreOptions = {}): pg.PoolConfig {
  const s = { ...databaseDefaults, ...options };
  return {
    connectionString: url,
    max: s.poolSize,
    connectionTimeoutMillis: s.connectTimeoutMs,
    query_timeout: s.queryTimeoutMs,
    statement_timeout: s.statementTimeoutMs,
    idle_in_transaction_session_timeout: s.idleInTransactionTimeoutMs,
    // TCP keep-alive: a connection whose peer vanished (host gone, NAT dropped it) errors out
    // instead of being handed to the next request.
    keepAlive: true,
  };
}

/** pg_advisory_xact_lock key serialising migrate() across instances: 'pairgate' as a 64-bit integer. */
const MIGRATION_LOCK_KEY = '8097869545070490725';
const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}

async function conflicts<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new StoreConflictError(`${what} already exists`, { cause: err });
    throw err;
  }
}

const SQL = {
  insertUser: 'INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)',
  userByEmail: 'SELECT * FROM users WHERE email = $1',
  userById: 'SELECT * FROM users WHERE id = $1',
  updatePasswordHash: 'UPDATE users SET password_hash = $2 WHERE id = $1',
  countUsers: 'SELECT COUNT(*) AS n FROM users',

  upsertClient: `INSERT INTO clients (${CLIENT_COLUMNS}) VALUES (${CLIENT_COLUMNS.split(',').map((_, i) => `$${i + 1}`).join(', ')})
    ON CONFLICT (client_id) DO UPDATE SET ${CLIENT_UPDATES}`,
  clientById: 'SELECT * FROM clients WHERE client_id = $1',
  listClients: 'SELECT * FROM clients ORDER BY client_id',

  deleteExpiredUserCode: 'DELETE FROM device_codes WHERE user_code = $1 AND expires_at <= $2',
  insertDeviceCode: `INSERT INTO device_codes (${DEVICE_CODE_COLUMNS}) VALUES (${placeholders(DEVICE_CODE_COLUMNS, 'postgres')})
    ON CONFLICT (user_code) DO NOTHING RETURNING device_code_hash`,
  deviceCodeByHash: 'SELECT * FROM device_codes WHERE device_code_hash = $1',
  deviceCodeByUserCode: 'SELECT * FROM device_codes WHERE user_code = $1 ORDER BY created_at DESC LIMIT 1',
  replacementDeviceCode: `SELECT * FROM device_codes WHERE client_id = $1 AND client_ip IS NOT DISTINCT FROM $2
    AND device_name IS NOT DISTINCT FROM $3 AND device_model IS NOT DISTINCT FROM $4
    AND created_at > $5 AND status = 'pending' AND expires_at > $6 ORDER BY created_at DESC LIMIT 1`,
  // RFC 8628 §3.5: a pending code polled sooner than `interval` seconds after the previous poll
  // gets slow_down, and the interval grows by 5 s for this and every later poll. The sub-select
  // locks the row and sees its latest committed version, so `too_fast` is computed from the
  // values this UPDATE replaces, even when polls race.
  recordPoll: `UPDATE device_codes d SET
      poll_interval = CASE WHEN o.too_fast THEN d.poll_interval + 5 ELSE d.poll_interval END,
      last_polled_at = $2
    FROM (
      SELECT device_code_hash,
             (status = 'pending' AND last_polled_at IS NOT NULL
              AND $2 - last_polled_at < poll_interval::bigint * 1000) AS too_fast
      FROM device_codes WHERE device_code_hash = $1 FOR UPDATE
    ) o
    WHERE d.device_code_hash = o.device_code_hash
    RETURNING d.*, o.too_fast`,
  decide: `UPDATE device_codes SET status = $1, user_id = $2, decided_at = $3,
      grant_id = $5, proximity = $6, proximity_policy = $7, number_matched = $8
    WHERE user_code = $4 AND status = 'pending' AND expires_at > $3 RETURNING *`,
  redeem: `UPDATE device_codes SET status = 'redeemed'
    WHERE device_code_hash = $1 AND status = 'approved' AND expires_at > $2 RETURNING *`,
  // The first draw stays: racing confirm views (and reloads) all show the same three numbers.
  // COALESCE keeps a draw already stored; the row lock makes racing draws queue and re-check.
  drawNumberMatch: `UPDATE device_codes SET match_number = COALESCE(match_number, $2), match_choices = COALESCE(match_choices, $3)
    WHERE device_code_hash = $1 AND status = 'pending' AND expires_at > $4 RETURNING *`,
  withdrawApproval: "UPDATE device_codes SET status = 'denied', decided_at = $2 WHERE grant_id = $1 AND user_id = $3 AND status = 'approved' RETURNING *",

  insertGrant: `INSERT INTO grants (${GRANT_COLUMNS}) VALUES (${placeholders(GRANT_COLUMNS, 'postgres')})`,
  grantById: 'SELECT * FROM grants WHERE id = $1',
  activeGrants: 'SELECT * FROM grants WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC',
  touchGrant: 'UPDATE grants SET last_used_at = $2 WHERE id = $1',
  revokeGrant: 'UPDATE grants SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id',
  revokeGrantTokens: 'UPDATE refresh_tokens SET revoked_at = $2 WHERE grant_id = $1 AND revoked_at IS NULL',
  revokeDeviceGrants: `UPDATE grants SET revoked_at = $3
    WHERE client_id = $1 AND device_id_hash = $2 AND revoked_at IS NULL RETURNING id`,

  insertRefreshToken: `INSERT INTO refresh_tokens (token_hash, grant_id, scope, created_at, expires_at, rotated_at, revoked_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  refreshTokenByHash: 'SELECT * FROM refresh_tokens WHERE token_hash = $1',
  // Rotation and revocation both lock the grant row first (then its tokens), so they serialise
  // per grant and never deadlock, and a revocation always sees a token a rotation just added.
  lockGrantOfToken: `SELECT g.id, g.revoked_at FROM grants g
    WHERE g.id = (SELECT grant_id FROM refresh_tokens WHERE token_hash = $1) FOR UPDATE`,
  markRotated: `UPDATE refresh_tokens SET rotated_at = $2
    WHERE token_hash = $1 AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > $2
    RETURNING grant_id`,

  insertAuthorizationCode: `INSERT INTO authorization_codes (${AUTHORIZATION_CODE_COLUMNS})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
  authorizationCodeByHash: 'SELECT * FROM authorization_codes WHERE code_hash = $1',
  // RFC 6749 §4.1.2: single use. Racing UPDATEs queue on the row lock and re-check the
  // condition once the winner commits, so exactly one of them returns the row.
  redeemAuthorizationCode: `UPDATE authorization_codes SET redeemed_at = $2
    WHERE code_hash = $1 AND redeemed_at IS NULL AND expires_at > $2 RETURNING *`,
  insertAuthorizationRequest: `INSERT INTO authorization_requests (${AUTHORIZATION_REQUEST_COLUMNS})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
  authorizationRequestByHash: 'SELECT * FROM authorization_requests WHERE id_hash = $1 AND expires_at > $2',
  takeAuthorizationRequest: 'DELETE FROM authorization_requests WHERE id_hash = $1 AND expires_at > $2 RETURNING *',
  consentOf: 'SELECT * FROM consents WHERE user_id = $1 AND client_id = $2',
  saveConsent: `INSERT INTO consents (user_id, client_id, scope, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope, updated_at = excluded.updated_at`,
  listConsents: 'SELECT * FROM consents WHERE user_id = $1 ORDER BY updated_at DESC, client_id',
  deleteConsent: 'DELETE FROM consents WHERE user_id = $1 AND client_id = $2 RETURNING user_id',

  // RFC 7523 §3 item 7: the insert is the replay check. Racing inserts of one jti queue on the
  // key; once the first commits, the others see its live row, update nothing and return nothing.
  // A row left over from an expired assertion (not yet purged) is taken over.
  recordClientAssertion: `INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES ($1, $2, $3)
    ON CONFLICT (client_id, jti) DO UPDATE SET expires_at = excluded.expires_at
    WHERE client_assertion_jtis.expires_at <= $4 RETURNING jti`,

  insertSigningKey: 'INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at) VALUES ($1, $2, $3, $4, $5)',
  listSigningKeys: 'SELECT * FROM signing_keys ORDER BY created_at DESC, seq DESC LIMIT $1',
  replaceSigningKeyPrivateJwk: 'UPDATE signing_keys SET private_jwk = $3 WHERE kid = $1 AND private_jwk = $2',

  insertSession: `INSERT INTO sessions (id_hash, user_id, auth_time, created_at, expires_at, data) VALUES ($1, $2, $3, $4, $5, $6)`,
  // Keeps the new session and the user's newest live others, up to the cap; the rest go.
  trimSessions: `DELETE FROM sessions WHERE user_id = $1 AND id_hash NOT IN (
    SELECT id_hash FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY id_hash = $3 DESC, created_at DESC, id_hash LIMIT $4)`,
  sessionByHash: 'SELECT * FROM sessions WHERE id_hash = $1 AND expires_at > $2',
  updateSessionData: 'UPDATE sessions SET data = $2 WHERE id_hash = $1 AND expires_at > $3',
  deleteSession: 'DELETE FROM sessions WHERE id_hash = $1',

  // One statement: concurrent hits on any instance serialise on the row and all add up.
  hitRateLimit: `INSERT INTO rate_limits (key, window_start, window_end, count) VALUES ($1, $2, $3, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 RETURNING count`,
  rateLimitCount: 'SELECT count FROM rate_limits WHERE key = $1 AND window_start = $2',

  throttleOf: 'SELECT * FROM throttles WHERE subject = $1 AND expires_at > $2',
  // No live row: insert, or take over an expired one. A live row makes this return nothing;
  // racing inserts queue on the key and the losers see the winner's live row.
  claimNewThrottle: `INSERT INTO throttles (subject, failures, next_allowed_at, expires_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures, next_allowed_at = excluded.next_allowed_at, expires_at = excluded.expires_at
    WHERE throttles.expires_at <= $5 RETURNING subject`,
  // Compare-and-set: racing UPDATEs queue on the row and re-check the condition after the winner commits.
  claimThrottle: `UPDATE throttles SET failures = $1, next_allowed_at = $2, expires_at = $3
    WHERE subject = $4 AND failures = $5 AND next_allowed_at = $6 AND expires_at = $7 AND expires_at > $8 RETURNING subject`,
  clearThrottle: 'DELETE FROM throttles WHERE subject = $1',

  touchReadiness: 'INSERT INTO readiness (id, checked_at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at',

} as const;

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Store {
  const pool = new pg.Pool(poolConfig(url, options));
  // An idle client losing its connection emits 'error' on the pool; unhandled, that would crash
  // the process. The pool drops the client and the next query opens a fresh one; if the database
  // is really away, that query fails and the guard logs the outage (once, not once per client).
  pool.on('error', () => undefined);
  let closed = false;

  const rows = async (db: Queryable, sql: string, params: unknown[] = []): Promise<Row[]> =>
    (await db.query<Row>(sql, params)).rows;
  const one = async (db: Queryable, sql: string, params: unknown[] = []): Promise<Row | undefined> =>
    (await rows(db, sql, params))[0];

  /** Runs `fn` in a transaction on one client; ROLLBACK on any throw; the client is always released. */
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

  const store: Store = {
    kind: 'postgres',

    async migrate() {
      checkMigrations(postgresMigrations);
      const latest = postgresMigrations.at(-1)?.version ?? 0;
      return tx(async (client) => {
        // A migration may rewrite a large table: the per-statement bound is for requests.
        await client.query('SET LOCAL statement_timeout = 0');
        // Two instances starting at once: the second waits here, then finds nothing to do.
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version    INTEGER PRIMARY KEY,
          name       TEXT    NOT NULL,
          applied_at BIGINT  NOT NULL
        )`);
        const current = num((await one(client, 'SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations'))?.v);
        if (current > latest) {
          throw new Error(`database schema version ${current} is newer than this build knows (${latest})`);
        }
        let version = current;
        for (const m of postgresMigrations) {
          if (m.version <= current) continue;
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            Date.now(),
          ]);
          version = m.version;
        }
        return version;
      });
    },

    async checkReady() {
      try {
        // to_regclass: NULL (not an error) when the table does not exist yet.
        const migrated = (await one(pool, "SELECT to_regclass('schema_migrations') IS NOT NULL AS m"))?.m === true;
        const version = migrated ? num((await one(pool, 'SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations'))?.v) : 0;
        const behind = schemaNotReady(version, postgresMigrations.at(-1)?.version ?? 0);
        if (behind) return { ready: false, reason: behind };
        // A real write: a standby, a read-only default or a full disk still answers reads.
        await pool.query(SQL.touchReadiness, [Date.now()]);
        return { ready: true };
      } catch (err) {
        return { ready: false, reason: `database unavailable: ${errorText(err)}` };
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },

    async createUser(user) {
      await conflicts('user', () =>
        pool.query(SQL.insertUser, [user.id, user.email.toLowerCase(), user.name, user.passwordHash, user.createdAt]),
      );
    },
    async findUserByEmail(email) {
      const row = await one(pool, SQL.userByEmail, [email.toLowerCase()]);
      return row && toUser(row);
    },
    async findUserById(id) {
      const row = await one(pool, SQL.userById, [id]);
      return row && toUser(row);
    },
    async updatePasswordHash(userId, passwordHash) {
      await pool.query(SQL.updatePasswordHash, [userId, passwordHash]);
    },
    async countUsers() {
      return num((await one(pool, SQL.countUsers))?.n);
    },

    async upsertClient(client) {
      await pool.query(SQL.upsertClient, clientParams(client));
    },
    async findClient(clientId) {
      const row = await one(pool, SQL.clientById, [clientId]);
      return row && toClient(row);
    },
    async listClients() {
      return (await rows(pool, SQL.listClients)).map(toClient);
    },

    async insertDeviceCode(record) {
      return conflicts('device code', () =>
        tx(async (client) => {
          // An expired holder of this user code gives it up; a live one makes the insert a no-op.
          await client.query(SQL.deleteExpiredUserCode, [record.userCode, record.createdAt]);
          return (await rows(client, SQL.insertDeviceCode, deviceCodeParams(record))).length === 1;
        }),
      );
    },
    async findDeviceCode(hash) {
      const row = await one(pool, SQL.deviceCodeByHash, [hash]);
      return row && toDeviceCode(row);
    },
    async findDeviceCodeByUserCode(userCode) {
      const row = await one(pool, SQL.deviceCodeByUserCode, [userCode]);
      return row && toDeviceCode(row);
    },
    async findReplacementDeviceCode(previous, now) {
      const row = await one(pool, SQL.replacementDeviceCode, [
        previous.clientId,
        previous.clientIp,
        previous.deviceName,
        previous.deviceModel,
        previous.createdAt,
        now,
      ]);
      return row && toDeviceCode(row);
    },
    async recordDevicePoll(hash, now) {
      const row = await one(pool, SQL.recordPoll, [hash, now]);
      return row && { record: toDeviceCode(row), tooFast: row.too_fast === true };
    },
    async decideDeviceCode(userCode, decision, now) {
      const approved = decision.status === 'approved' ? decision : undefined;
      const a = approved?.approval;
      const row = await one(pool, SQL.decide, [decision.status, approved?.userId ?? null, now, userCode, a?.grantId ?? null, a?.proximity ?? null, a?.policy ?? null, a?.numberMatched ?? false]);
      return row && toDeviceCode(row);
    },
    async redeemDeviceCode(hash, grant, now) {
      return conflicts('grant', () =>
        tx(async (client) => {
          const row = await one(client, SQL.redeem, [hash, now]);
          if (!row) return undefined;
          const record = toDeviceCode(row);
          if (record.approval && record.approval.grantId !== grant.id) throw new Error("redeemDeviceCode: the grant's id must be the approval's grantId");
          await client.query(SQL.insertGrant, grantParams(grant));
          return record;
        }),
      );
    },
    async drawNumberMatch(hash, draw, now) {
      const row = await one(pool, SQL.drawNumberMatch, [hash, draw.number, JSON.stringify(draw.choices), now]);
      return row && toDeviceCode(row);
    },
    async withdrawDeviceApproval(grantId, userId, now) {
      const row = await one(pool, SQL.withdrawApproval, [grantId, now, userId]);
      return row && toDeviceCode(row);
    },

    async createGrant(g) {
      await conflicts('grant', () => pool.query(SQL.insertGrant, grantParams(g)));
    },
    async findGrant(id) {
      const row = await one(pool, SQL.grantById, [id]);
      return row && toGrant(row);
    },
    async listActiveGrants(userId) {
      return (await rows(pool, SQL.activeGrants, [userId])).map(toGrant);
    },
    async touchGrant(id, now) {
      await pool.query(SQL.touchGrant, [id, now]);
    },
    async revokeDeviceGrants(clientId, deviceIdHash, now) {
      return tx(async (client) => {
        const ids = (await rows(client, SQL.revokeDeviceGrants, [clientId, deviceIdHash, now])).map((r) => r.id as string);
        for (const id of ids) await client.query(SQL.revokeGrantTokens, [id, now]);
        return ids;
      });
    },
    async revokeGrant(id, now) {
      return tx(async (client) => {
        if ((await rows(client, SQL.revokeGrant, [id, now])).length === 0) return false;
        // A separate statement (fresh snapshot once the grant row is ours) so tokens added by a
        // rotation that committed while we waited for the lock are revoked too.
        await client.query(SQL.revokeGrantTokens, [id, now]);
        return true;
      });
    },

    async insertRefreshToken(t) {
      await conflicts('refresh token', () =>
        pool.query(SQL.insertRefreshToken, [t.tokenHash, t.grantId, t.scope, t.createdAt, t.expiresAt, t.rotatedAt, t.revokedAt]),
      );
    },
    async findRefreshToken(hash) {
      const row = await one(pool, SQL.refreshTokenByHash, [hash]);
      return row && toRefreshToken(row);
    },
    async rotateRefreshToken(oldHash, next, now) {
      return conflicts('refresh token', () =>
        tx(async (client): Promise<RotateResult> => {
          const grant = await one(client, SQL.lockGrantOfToken, [oldHash]);
          if (!grant || grant.revoked_at !== null) return 'invalid';
          const grantId = grant.id as string;

          const rotated = await one(client, SQL.markRotated, [oldHash, now]);
          if (rotated) {
            if (next.grantId !== grantId) throw new Error('rotateRefreshToken: next token must belong to the same grant');
            await client.query(SQL.insertRefreshToken, [
              next.tokenHash,
              next.grantId,
              next.scope,
              next.createdAt,
              next.expiresAt,
              next.rotatedAt,
              next.revokedAt,
            ]);
            return 'rotated';
          }

          const old = await one(client, SQL.refreshTokenByHash, [oldHash]);
          if (!old || old.revoked_at !== null || old.rotated_at === null) return 'invalid'; // revoked or expired
          // RFC 9700 §4.14.2: a rotated token presented again means two parties hold the family.
          await client.query(SQL.revokeGrant, [grantId, now]);
          await client.query(SQL.revokeGrantTokens, [grantId, now]);
          return 'reused';
        }),
      );
    },

    async insertAuthorizationCode(c) {
      await conflicts('authorization code', () => pool.query(SQL.insertAuthorizationCode, authorizationCodeParams(c)));
    },
    async findAuthorizationCode(hash) {
      const row = await one(pool, SQL.authorizationCodeByHash, [hash]);
      return row && toAuthorizationCode(row);
    },
    async redeemAuthorizationCode(hash, grant, now) {
      return conflicts('grant', () =>
        tx(async (client): Promise<RedeemCodeResult> => {
          const redeemed = await one(client, SQL.redeemAuthorizationCode, [hash, now]);
          if (redeemed) {
            const code = toAuthorizationCode(redeemed);
            if (grant.id !== code.grantId) throw new Error("redeemAuthorizationCode: the grant's id must be the code's grantId");
            await client.query(SQL.insertGrant, grantParams(grant));
            return { status: 'redeemed', code };
          }
          // A fresh snapshot (READ COMMITTED): a racing winner's redemption and grant are visible.
          const row = await one(client, SQL.authorizationCodeByHash, [hash]);
          if (!row || row.redeemed_at === null) return { status: 'invalid' };
          // RFC 6749 §4.1.2: used twice — revoke what the first redemption issued.
          const code = toAuthorizationCode(row);
          await client.query(SQL.revokeGrant, [code.grantId, now]);
          await client.query(SQL.revokeGrantTokens, [code.grantId, now]);
          return { status: 'reused', code };
        }),
      );
    },
    async insertAuthorizationRequest(r) {
      await conflicts('authorization request', () => pool.query(SQL.insertAuthorizationRequest, authorizationRequestParams(r)));
    },
    async findAuthorizationRequest(idHash, now) {
      const row = await one(pool, SQL.authorizationRequestByHash, [idHash, now]);
      return row && toAuthorizationRequest(row);
    },
    async takeAuthorizationRequest(idHash, now) {
      const row = await one(pool, SQL.takeAuthorizationRequest, [idHash, now]);
      return row && toAuthorizationRequest(row);
    },
    async findConsent(userId, clientId) {
      const row = await one(pool, SQL.consentOf, [userId, clientId]);
      return row && toConsent(row);
    },
    async saveConsent(c) {
      await pool.query(SQL.saveConsent, [c.userId, c.clientId, c.scope, c.createdAt, c.updatedAt]);
    },
    async listConsents(userId) {
      return (await rows(pool, SQL.listConsents, [userId])).map(toConsent);
    },
    async deleteConsent(userId, clientId) {
      return (await rows(pool, SQL.deleteConsent, [userId, clientId])).length === 1;
    },

    async recordClientAssertion(clientId, jti, expiresAt, now) {
      return (await rows(pool, SQL.recordClientAssertion, [clientId, jti, expiresAt, now])).length === 1;
    },

    async insertSigningKey(k) {
      await conflicts('signing key', () => pool.query(SQL.insertSigningKey, [k.kid, k.alg, k.privateJwk, k.publicJwk, k.createdAt]));
    },
    async listSigningKeys(limit) {
      return (await rows(pool, SQL.listSigningKeys, [limit])).map(toSigningKey);
    },
    async replaceSigningKeyPrivateJwk(kid, from, to) {
      return ((await pool.query(SQL.replaceSigningKeyPrivateJwk, [kid, from, to])).rowCount ?? 0) === 1;
    },

    async createSession(x, maxPerUser) {
      await conflicts('session', () =>
        tx(async (client) => {
          await client.query(SQL.insertSession, [x.idHash, x.userId, x.authTime, x.createdAt, x.expiresAt, x.data]);
          await client.query(SQL.trimSessions, [x.userId, x.createdAt, x.idHash, maxPerUser]);
        }),
      );
    },
    async findSession(idHash, now) {
      const row = await one(pool, SQL.sessionByHash, [idHash, now]);
      return row && toSession(row);
    },
    async updateSessionData(idHash, data, now) {
      return ((await pool.query(SQL.updateSessionData, [idHash, data, now])).rowCount ?? 0) === 1;
    },
    async deleteSession(idHash) {
      await pool.query(SQL.deleteSession, [idHash]);
    },

    async hitRateLimit(key, windowMs, now) {
      const { start, end } = rateLimitWindow(windowMs, now);
      const [hit, previous] = await Promise.all([
        one(pool, SQL.hitRateLimit, [key, start, end]),
        one(pool, SQL.rateLimitCount, [key, start - windowMs]),
      ]);
      return { current: num(hit?.count), previous: previous ? num(previous.count) : 0 };
    },
    async peekRateLimit(key, windowMs, now) {
      const { start } = rateLimitWindow(windowMs, now);
      const [current, previous] = await Promise.all([
        one(pool, SQL.rateLimitCount, [key, start]),
        one(pool, SQL.rateLimitCount, [key, start - windowMs]),
      ]);
      return { current: current ? num(current.count) : 0, previous: previous ? num(previous.count) : 0 };
    },

    async peekThrottle(subject, now) {
      const row = await one(pool, SQL.throttleOf, [subject, now]);
      return row && toThrottle(row);
    },
    async claimThrottle(subject, seen, next, now) {
      const result = seen
        ? await pool.query(SQL.claimThrottle, [next.failures, next.nextAllowedAt, next.expiresAt, subject, seen.failures, seen.nextAllowedAt, seen.expiresAt, now])
        : await pool.query(SQL.claimNewThrottle, [subject, next.failures, next.nextAllowedAt, next.expiresAt, now]);
      return (result.rowCount ?? 0) === 1;
    },
    async clearThrottle(subject) {
      await pool.query(SQL.clearThrottle, [subject]);
    },

    async purgeExpired(now, graceMs) {
      // ctid batches (a TID scan with `= ANY(ARRAY(…))`): short statements, short row locks (see purge.ts).
      return purgeInBatches(now, graceMs, async (target, cutoff) => {
        const sql = `DELETE FROM ${target.table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${target.table} WHERE ${target.where.replaceAll(':cutoff', '$1')} LIMIT ${PURGE_BATCH_ROWS}))`;
        return (await pool.query(sql, [cutoff])).rowCount ?? 0;
      });
    },
  };
  return guardStore(store, isPostgresAway, options.log);
}
