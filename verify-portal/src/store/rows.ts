/**
 * Row ↔ record mapping shared by both stores: the two schemas use the same column names, and
 * differ only in how values come back (SQLite: numbers and 0/1; pg: BIGINT as a decimal string,
 * BOOLEAN as boolean). Parsing BIGINT here, per column, keeps us off pg's global type parsers,
 * which would change results for every other user of `pg` in the process.
 */
import type { JSONWebKeySet } from 'jose';
import type { AuthorizationCodeRecord, AuthorizationRequestRecord, ConsentRecord } from './records/authorization';
import { withClientDefaults } from './records/clients';
import type { ClientAuthMethod, ClientRecord, ClientRegistration, ClientType, ProximityPolicy, UserCodeKind } from './records/clients';
import type { ApprovalCheck, DeviceApproval, DeviceCodeRecord, DeviceCodeStatus } from './records/device-codes';
import type { GrantRecord, RefreshTokenRecord } from './records/grants';
import type { SigningKeyRecord } from './records/keys';
import type { ThrottleState } from './records/limits';
import type { SessionRecord } from './records/sessions';
import type { UserRecord } from './records/users';

export type Row = Record<string, unknown>;

/** An epoch-ms or count column: number (SQLite, pg INTEGER) or decimal string (pg BIGINT). */
export function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  throw new TypeError(`store: expected an integer column, got ${typeof value}`);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

function str(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`store: expected a text column, got ${typeof value}`);
  return value;
}

function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : str(value);
}

function bool(value: unknown): boolean {
  return value === true || value === 1 || value === 1n;
}

function stringArray(value: unknown): string[] {
  const parsed: unknown = JSON.parse(str(value));
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) {
    throw new TypeError('store: expected a JSON array of strings');
  }
  return parsed;
}

export function toUser(row: Row): UserRecord {
  return {
    id: str(row.id),
    email: str(row.email),
    name: str(row.name),
    passwordHash: str(row.password_hash),
    createdAt: num(row.created_at),
  };
}

export function toClient(row: Row): ClientRecord {
  return {
    clientId: str(row.client_id),
    name: str(row.name),
    type: str(row.client_type) as ClientType,
    tokenEndpointAuthMethod: str(row.token_endpoint_auth_method) as ClientAuthMethod,
    secretHash: strOrNull(row.secret_hash),
    grantTypes: stringArray(row.grant_types),
    redirectUris: stringArray(row.redirect_uris),
    scopes: stringArray(row.scopes),
    firstParty: bool(row.first_party),
    createdAt: num(row.created_at),
    jwks: row.jwks === null || row.jwks === undefined ? null : jwkSet(row.jwks),
    allowedAudiences: stringArray(row.allowed_audiences),
    requirePkce: bool(row.require_pkce),
    responseTypes: stringArray(row.response_types),
    proximity: str(row.proximity) as ProximityPolicy,
    allowedNetworks: stringArray(row.allowed_networks),
    remoteScopes: row.remote_scopes === null || row.remote_scopes === undefined ? null : stringArray(row.remote_scopes),
    remoteRefreshTtlSeconds: numOrNull(row.remote_refresh_ttl_seconds),
    deviceCodeTtlSeconds: numOrNull(row.device_code_ttl_seconds),
    userCodeKind: str(row.user_code_kind) as UserCodeKind,
  };
}

/** The approval columns (`proximity`, `proximity_policy`, `number_matched`) of a device code or grant, if set. */
function approvalOf(row: Row): ApprovalCheck | undefined {
  if (row.proximity === null || row.proximity === undefined) return undefined;
  return { proximity: str(row.proximity) as ApprovalCheck['proximity'], policy: str(row.proximity_policy) as ProximityPolicy, numberMatched: bool(row.number_matched) };
}

/** Optional record fields are left out, not undefined, when their column is NULL. */
function present<K extends string, V>(key: K, value: V | null | undefined): Partial<Record<K, V>> {
  return value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function jwkSet(value: unknown): JSONWebKeySet {
  const parsed: unknown = JSON.parse(str(value));
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k))) {
    throw new TypeError('store: expected a JSON Web Key Set');
  }
  return parsed as JSONWebKeySet;
}

export function toDeviceCode(row: Row): DeviceCodeRecord {
  return {
    deviceCodeHash: str(row.device_code_hash),
    userCode: str(row.user_code),
    clientId: str(row.client_id),
    scope: str(row.scope),
    deviceName: strOrNull(row.device_name),
    deviceModel: strOrNull(row.device_model),
    clientIp: strOrNull(row.client_ip),
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    interval: num(row.poll_interval),
    lastPolledAt: numOrNull(row.last_polled_at),
    status: str(row.status) as DeviceCodeStatus,
    userId: strOrNull(row.user_id),
    decidedAt: numOrNull(row.decided_at),
    ...present('deviceIdHash', strOrNull(row.device_id_hash)),
    ...present('numberMatch', row.match_number === null || row.match_number === undefined ? null : { number: str(row.match_number), choices: stringArray(row.match_choices) }),
    ...present('approval', deviceApprovalOf(row)),
  };
}

function deviceApprovalOf(row: Row): DeviceApproval | undefined {
  const approval = approvalOf(row);
  return approval && { ...approval, grantId: str(row.grant_id) };
}

export function toGrant(row: Row): GrantRecord {
  return {
    id: str(row.id),
    userId: str(row.user_id),
    clientId: str(row.client_id),
    scope: str(row.scope),
    deviceName: strOrNull(row.device_name),
    deviceModel: strOrNull(row.device_model),
    authTime: num(row.auth_time),
    createdAt: num(row.created_at),
    lastUsedAt: numOrNull(row.last_used_at),
    revokedAt: numOrNull(row.revoked_at),
    ...present('deviceIdHash', strOrNull(row.device_id_hash)),
    ...present('approval', approvalOf(row)),
    ...present('refreshUntil', numOrNull(row.refresh_until)),
  };
}

export const GRANT_COLUMNS =
  'id, user_id, client_id, scope, device_name, device_model, auth_time, created_at, last_used_at, revoked_at, device_id_hash, proximity, proximity_policy, number_matched, refresh_until';

/** A grant's columns in `GRANT_COLUMNS` order. */
export function grantParams(g: GrantRecord): (string | number | boolean | null)[] {
  return [
    g.id,
    g.userId,
    g.clientId,
    g.scope,
    g.deviceName,
    g.deviceModel,
    g.authTime,
    g.createdAt,
    g.lastUsedAt,
    g.revokedAt,
    g.deviceIdHash ?? null,
    g.approval?.proximity ?? null,
    g.approval?.policy ?? null,
    g.approval?.numberMatched ?? false,
    g.refreshUntil ?? null,
  ];
}

export function toRefreshToken(row: Row): RefreshTokenRecord {
  return {
    tokenHash: str(row.token_hash),
    grantId: str(row.grant_id),
    scope: str(row.scope),
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    rotatedAt: numOrNull(row.rotated_at),
    revokedAt: numOrNull(row.revoked_at),
  };
}

export function toSigningKey(row: Row): SigningKeyRecord {
  return {
    kid: str(row.kid),
    alg: str(row.alg) as SigningKeyRecord['alg'],
    privateJwk: str(row.private_jwk),
    publicJwk: str(row.public_jwk),
    createdAt: num(row.created_at),
  };
}

/** Client fields in column order (`CLIENT_COLUMNS`), defaults filled in, for INSERT … ON CONFLICT DO UPDATE in both dialects. */
export function clientParams(registration: ClientRegistration): (string | number | boolean | null)[] {
  const c = withClientDefaults(registration);
  return [
    c.clientId,
    c.name,
    c.type,
    c.tokenEndpointAuthMethod,
    c.secretHash,
    JSON.stringify(c.grantTypes),
    JSON.stringify(c.redirectUris),
    JSON.stringify(c.scopes),
    c.firstParty,
    c.createdAt,
    c.jwks === null ? null : JSON.stringify(c.jwks),
    JSON.stringify(c.allowedAudiences),
    c.requirePkce,
    JSON.stringify(c.responseTypes),
    c.proximity,
    JSON.stringify(c.allowedNetworks),
    c.remoteScopes === null ? null : JSON.stringify(c.remoteScopes),
    c.remoteRefreshTtlSeconds,
    c.deviceCodeTtlSeconds,
    c.userCodeKind,
  ];
}

/** A new device code's columns, in `DEVICE_CODE_COLUMNS` order (the draw and the approval come later). */
export function deviceCodeParams(r: DeviceCodeRecord): (string | number | null)[] {
  return [
    r.deviceCodeHash,
    r.userCode,
    r.clientId,
    r.scope,
    r.deviceName,
    r.deviceModel,
    r.clientIp,
    r.createdAt,
    r.expiresAt,
    r.interval,
    r.lastPolledAt,
    r.status,
    r.userId,
    r.decidedAt,
    r.deviceIdHash ?? null,
  ];
}

export const CLIENT_COLUMNS =
  'client_id, name, client_type, token_endpoint_auth_method, secret_hash, grant_types, redirect_uris, scopes, first_party, created_at, jwks, allowed_audiences, require_pkce, response_types, ' +
  'proximity, allowed_networks, remote_scopes, remote_refresh_ttl_seconds, device_code_ttl_seconds, user_code_kind';
/** `col = excluded.col` for every client column but the key: the upsert's update list. */
export const CLIENT_UPDATES = CLIENT_COLUMNS.split(', ')
  .filter((c) => c !== 'client_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');
export const DEVICE_CODE_COLUMNS =
  'device_code_hash, user_code, client_id, scope, device_name, device_model, client_ip, created_at, expires_at, poll_interval, last_polled_at, status, user_id, decided_at, device_id_hash';

/** `?` (SQLite) or `$1…$n` (PostgreSQL) placeholders for a column list. */
export function placeholders(columns: string, dialect: 'sqlite' | 'postgres'): string {
  return columns
    .split(',')
    .map((_, i) => (dialect === 'sqlite' ? '?' : `$${i + 1}`))
    .join(', ');
}

export function toSession(row: Row): SessionRecord {
  return {
    idHash: str(row.id_hash),
    userId: str(row.user_id),
    authTime: num(row.auth_time),
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    data: str(row.data),
  };
}

/** The fixed window of `windowMs` containing `now`: [start, end). */
export function rateLimitWindow(windowMs: number, now: number): { start: number; end: number } {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) throw new RangeError('rate limit window must be a positive whole number of ms');
  const start = Math.floor(now / windowMs) * windowMs;
  return { start, end: start + windowMs };
}

export function toAuthorizationCode(row: Row): AuthorizationCodeRecord {
  return {
    codeHash: str(row.code_hash),
    clientId: str(row.client_id),
    userId: str(row.user_id),
    redirectUri: str(row.redirect_uri),
    scope: str(row.scope),
    nonce: strOrNull(row.nonce),
    codeChallenge: strOrNull(row.code_challenge),
    authTime: num(row.auth_time),
    grantId: str(row.grant_id),
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    redeemedAt: numOrNull(row.redeemed_at),
  };
}

export const AUTHORIZATION_CODE_COLUMNS =
  'code_hash, client_id, user_id, redirect_uri, scope, nonce, code_challenge, auth_time, grant_id, created_at, expires_at, redeemed_at';

export function authorizationCodeParams(c: AuthorizationCodeRecord): unknown[] {
  return [c.codeHash, c.clientId, c.userId, c.redirectUri, c.scope, c.nonce, c.codeChallenge, c.authTime, c.grantId, c.createdAt, c.expiresAt, c.redeemedAt];
}

export function toAuthorizationRequest(row: Row): AuthorizationRequestRecord {
  return {
    idHash: str(row.id_hash),
    userId: str(row.user_id),
    clientId: str(row.client_id),
    redirectUri: str(row.redirect_uri),
    scope: str(row.scope),
    state: strOrNull(row.state),
    nonce: strOrNull(row.nonce),
    codeChallenge: strOrNull(row.code_challenge),
    authTime: num(row.auth_time),
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    responseType: str(row.response_type),
    responseMode: str(row.response_mode),
  };
}

export const AUTHORIZATION_REQUEST_COLUMNS =
  'id_hash, user_id, client_id, redirect_uri, scope, state, nonce, code_challenge, auth_time, created_at, expires_at, response_type, response_mode';

export function authorizationRequestParams(r: AuthorizationRequestRecord): unknown[] {
  return [r.idHash, r.userId, r.clientId, r.redirectUri, r.scope, r.state, r.nonce, r.codeChallenge, r.authTime, r.createdAt, r.expiresAt, r.responseType, r.responseMode];
}

export function toConsent(row: Row): ConsentRecord {
  return {
    userId: str(row.user_id),
    clientId: str(row.client_id),
    scope: str(row.scope),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

export function toThrottle(row: Row): ThrottleState {
  return { failures: num(row.failures), nextAllowedAt: num(row.next_allowed_at), expiresAt: num(row.expires_at) };
}
