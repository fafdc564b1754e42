/**
 * The store entry point: `openStore` picks the implementation from the configuration, and the
 * record types every caller needs are re-exported from here.
 */
import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import type { Store } from './store';

export { StoreConflictError, withClientDefaults } from './store';
export type {
  AuthorizationCodeRecord,
  AuthorizationRequestRecord,
  ClientAuthMethod,
  ClientRecord,
  ClientRegistration,
  ClientType,
  ConsentRecord,
  DeviceCodeRecord,
  DeviceCodeStatus,
  DeviceDecision,
  GrantRecord,
  RateLimitCounts,
  Readiness,
  RedeemCodeResult,
  RefreshTokenRecord,
  RotateResult,
  SessionRecord,
  SigningKeyRecord,
  Store,
  ThrottleState,
  UserRecord,
} from './store';
export { openPostgresStore } from './postgres';
export type { PostgresStoreOptions } from './postgres';
export { openSqliteStore } from './sqlite';
export type { SqliteStoreOptions } from './sqlite';

/** `postgres://` or `postgresql://` → PostgreSQL; anything else (including unset) → SQLite at `sqliteFile`. */
export function openStore(databaseUrl: string | undefined, sqliteFile: string): Store {
  if (databaseUrl && /^postgres(?:ql)?:\/\//i.test(databaseUrl)) return openPostgresStore(databaseUrl);
  return openSqliteStore(sqliteFile);
}
