/**
 * Row ↔ record mapping shared by both stores: the two schemas use the same column names, and
 * differ only in how values come back (SQLite: numbers and 0/1; pg: BIGINT as a decimal string,
 * BOOLEAN as boolean). Parsing BIGINT here, per column, keeps us off pg's global type parsers,
 * which would change results for every other user of `pg` in the process.
 */
import type {
  AuthorizationCodeRecord,
  AuthorizationRequestRecord,
  ClientAuthMethod,
  ClientRecord,
  ClientRegistration,
  ClientType,
  ConsentRecord,
  DeviceCodeRecord,
  DeviceCodeStatus,
  GrantRecord,
  RefreshTokenRecord,
  SessionRecord,
  SigningKeyRecord,
  ThrottleState,
  UserRecord,
} from './store';
import { withClientDefaults } from './store';
import type { JSONWebKeySet } from 'jose';

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
  };
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
  };
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
  };
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
  ];
}

export function deviceCodeParams(
  r: DeviceCodeRecord,
): [string, string, string, string, string | null, string | null, string | null, number, number, number, number | null, string, string | null, number | null] {
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
  ];
}

export const CLIENT_COLUMNS =
  'client_id, name, client_type, token_endpoint_auth_method, secret_hash, grant_types, redirect_uris, scopes, first_party, created_at, jwks, allowed_audiences, require_pkce, response_types';
/** `col = excluded.col` for every client column but the key: the upsert's update list. */
export const CLIENT_UPDATES = CLIENT_COLUMNS.split(', ')
  .filter((c) => c !== 'client_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');
export const DEVICE_CODE_COLUMNS =
  'device_code_hash, user_code, client_id, scope, device_name, device_model, client_ip, created_at, expires_at, poll_interval, last_polled_at, status, user_id, decided_at';

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
