/**
 * The PostgreSQL store, for several instances behind a load balancer: one module per concept,
 * assembled here. Every state change that can race (polls, decisions, redemptions,
 * refresh-token rotation, revocation) is one conditional statement or one transaction on a
 * dedicated pool client, so concurrent requests on any instance see exactly one winner.
 */
import pg from 'pg';
import { databaseDefaults, type DatabaseSettings } from '../../defaults';
import { guardStore, isPostgresAway } from '../faults';
import type { Store } from '../store';
import { postgresAuthorization } from './authorization';
import { postgresClients } from './clients';
import { postgresDatabase } from './database';
import { postgresDb } from './db';
import { postgresDeviceCodes } from './device-codes';
import { postgresGrants } from './grants';
import { postgresSigningKeys } from './keys';
import { postgresLimits } from './limits';
import { postgresSessions } from './sessions';
import { postgresUsers } from './users';

/** Pool size and timeouts; defaults and why in `databaseDefaults` (src/defaults.ts). */
export type PostgresStoreOptions = Partial<Omit<DatabaseSettings, 'listenerHeartbeatMs' | 'reconnectMinDelayMs' | 'reconnectMaxDelayMs'>> & {
  /** Where outage transitions are logged (once each). Default: the process's logger, at warn. */
  log?: (line: string) => void;
};

/** The `pg.Pool` configuration for these settings: every connection carries the timeouts. */
function poolConfig(url: string, options: PostgresStoreOptions = {}): pg.PoolConfig {
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

export function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Store {
  const pool = new pg.Pool(poolConfig(url, options));
  // An idle client losing its connection emits 'error' on the pool; unhandled, that would crash
  // the process. The pool drops the client and the next query opens a fresh one; if the database
  // is really away, that query fails and the guard logs the outage (once, not once per client).
  pool.on('error', () => undefined);
  const db = postgresDb(pool);

  const store: Store = {
    ...postgresDatabase(db),
    ...postgresUsers(db),
    ...postgresClients(db),
    ...postgresDeviceCodes(db),
    ...postgresGrants(db),
    ...postgresAuthorization(db),
    ...postgresSigningKeys(db),
    ...postgresSessions(db),
    ...postgresLimits(db),
  };
  return guardStore(store, isPostgresAway, options.log);
}
