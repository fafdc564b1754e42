/**
 * Records for the Store contract tests: each builder makes a valid record with fresh ids, and
 * takes the fields a test cares about.
 */
import { randomUUID } from 'node:crypto';
import type { ClientDefaultedField } from '../records/clients';
import type { ApprovalCheck, AuthorizationCodeRecord, ClientRecord, DeviceCodeRecord, DeviceDecision, GrantRecord, RefreshTokenRecord, UserRecord } from '../store';

/** Both dialects' migrations, as schema_migrations lists them once all are applied. */
export const MIGRATIONS = [
  { version: 1, name: 'initial' },
  { version: 2, name: 'sessions-rate-limits' },
  { version: 3, name: 'authorization-codes' },
  { version: 4, name: 'client-auth' },
  { version: 5, name: 'authorization-response' },
  { version: 6, name: 'readiness' },
  { version: 7, name: 'throttles' },
  { version: 8, name: 'cross-device' },
];
/** The schema version both dialects' migrations end at. */
export const LATEST_VERSION = MIGRATIONS.at(-1)!.version;
export const T0 = 1_700_000_000_000;
export const MIN = 60_000;
/** A session cap no test reaches unless it means to. */
export const MANY = 1_000;

const ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export function userCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return s;
}
export const id = (prefix: string): string => `${prefix}-${randomUUID()}`;

export function user(over: Partial<UserRecord> = {}): UserRecord {
  return { id: id('u'), email: `${randomUUID()}@example.com`, name: 'Ada', passwordHash: 'scrypt$x', createdAt: T0, ...over };
}

/**
 * What a client registered without the fields added since the first schema gets for them
 * (`ClientDefaultedField`), but `responseTypes`, which follows the client's grant types.
 */
export const CLIENT_DEFAULTS: Omit<Pick<ClientRecord, ClientDefaultedField>, 'responseTypes'> = {
  jwks: null,
  allowedAudiences: [],
  requirePkce: false,
  proximity: 'warn',
  allowedNetworks: [],
  remoteScopes: null,
  remoteRefreshTtlSeconds: null,
  deviceCodeTtlSeconds: null,
  userCodeKind: 'letters',
};

export function client(over: Partial<ClientRecord> = {}): ClientRecord {
  return {
    clientId: id('c'),
    name: 'Living-room TV',
    type: 'public',
    tokenEndpointAuthMethod: 'none',
    secretHash: null,
    grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    redirectUris: [],
    scopes: ['openid', 'profile', 'offline_access'],
    firstParty: true,
    createdAt: T0,
    ...CLIENT_DEFAULTS,
    responseTypes: [],
    ...over,
  };
}

export function deviceCode(over: Partial<DeviceCodeRecord> = {}): DeviceCodeRecord {
  return {
    deviceCodeHash: id('dc'),
    userCode: userCode(),
    clientId: 'tv',
    scope: 'openid offline_access',
    deviceName: 'Living room',
    deviceModel: 'Pi 5',
    clientIp: '192.0.2.7',
    createdAt: T0,
    expiresAt: T0 + 10 * MIN,
    interval: 5,
    lastPolledAt: null,
    status: 'pending',
    userId: null,
    decidedAt: null,
    ...over,
  };
}

export function grant(over: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id: id('g'),
    userId: id('u'),
    clientId: 'tv',
    scope: 'openid offline_access',
    deviceName: 'Living room',
    deviceModel: null,
    authTime: T0,
    createdAt: T0,
    lastUsedAt: null,
    revokedAt: null,
    ...over,
  };
}

export function refreshToken(grantId: string, over: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenHash: id('rt'),
    grantId,
    scope: 'openid offline_access',
    createdAt: T0,
    expiresAt: T0 + 30 * 24 * 60 * MIN,
    rotatedAt: null,
    revokedAt: null,
    ...over,
  };
}

export function authorizationCode(over: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    codeHash: id('ac'),
    clientId: 'desktop',
    userId: id('u'),
    redirectUri: 'http://127.0.0.1:49152/callback',
    scope: 'openid offline_access',
    nonce: 'n-0S6_WzA2Mj',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    authTime: T0 - MIN,
    grantId: id('g'),
    createdAt: T0,
    expiresAt: T0 + MIN,
    redeemedAt: null,
    ...over,
  };
}

export const NEAR: ApprovalCheck = { proximity: 'near', policy: 'warn', numberMatched: false };

/** An approval by `userId`, with the id of the grant it will become. */
export function approve(userId: string, check: ApprovalCheck = NEAR): Extract<DeviceDecision, { status: 'approved' }> {
  return { status: 'approved', userId, approval: { ...check, grantId: id('g') } };
}

/** The grant an approved device code turns into (what the device_code grant stores on redemption). */
export function grantOfDevice(decision: Extract<DeviceDecision, { status: 'approved' }>, d: DeviceCodeRecord, now = T0 + 2): GrantRecord {
  const { grantId, ...approval } = decision.approval;
  return grant({ id: grantId, userId: decision.userId, clientId: d.clientId, deviceName: d.deviceName, createdAt: now, approval, ...(d.deviceIdHash ? { deviceIdHash: d.deviceIdHash } : {}) });
}

/** The grant a code turns into (what the authorization_code grant stores on redemption). */
export function grantOf(code: AuthorizationCodeRecord, now = T0 + 1): GrantRecord {
  return grant({ id: code.grantId, userId: code.userId, clientId: code.clientId, scope: code.scope, deviceName: null, authTime: code.authTime, createdAt: now, lastUsedAt: now });
}
