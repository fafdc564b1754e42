import type { JSONWebKeySet } from 'jose';

/**
 * The one storage interface of the authorization server. Two implementations pass the same
 * contract tests (`contract.test.ts`): SQLite (`sqlite.ts`, the embedded default) and PostgreSQL
 * (`postgres.ts`, for several instances behind a load balancer).
 *
 * Conventions: times are epoch milliseconds; ids are opaque strings; secrets (device codes,
 * refresh tokens, authorization codes) are only ever passed in as hashes; list-valued fields are
 * arrays here and whatever suits the database underneath.
 *
 * Every method whose name says it changes state "if" something holds does so in one atomic
 * step (a conditional UPDATE or a transaction), never read-then-write, because several polls,
 * refreshes or instances may race.
 */

export interface UserRecord {
  id: string;
  /** Stored lower-cased; look-ups are case-insensitive. */
  email: string;
  name: string;
  /** scrypt hash in PHC-like form, see `src/crypto/password.ts`. */
  passwordHash: string;
  createdAt: number;
}

export type ClientType = 'public' | 'confidential';
export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface ClientRecord {
  clientId: string;
  name: string;
  type: ClientType;
  tokenEndpointAuthMethod: ClientAuthMethod;
  /** SHA-256 of the client secret (secrets are high-entropy), or null for public clients. */
  secretHash: string | null;
  grantTypes: string[];
  redirectUris: string[];
  /** The scopes this client may ask for. */
  scopes: string[];
  /** First-party clients skip the consent screen. */
  firstParty: boolean;
  createdAt: number;
  /**
   * The client's public keys for `private_key_jwt` (RFC 7523 §2.2, OIDC Core §9), as a JWK Set
   * (RFC 7517 §5); null for every other method. Public keys only: no `d`, no symmetric keys.
   */
  jwks: JSONWebKeySet | null;
  /**
   * The APIs this client may get access tokens for: `audience` / `resource` (RFC 8707 §2)
   * values it may ask for, which become the token's `aud`. Absolute URIs, no fragment.
   */
  allowedAudiences: string[];
  /** Authorization code requests must carry PKCE even though the client is confidential. */
  requirePkce: boolean;
  /** `response_type` values the authorization endpoint accepts from this client (`code` by default). */
  responseTypes: string[];
  /**
   * What an approval from a phone that is not near the device gets (RFC 10027; see
   * `oauth/proximity.ts`): `off` nothing, `warn` a warning (the default), `step-up` number
   * matching, `deny` a refusal.
   */
  proximity: ProximityPolicy;
  /** CIDRs inside which a device and a phone count as near even on different /24s or /64s. */
  allowedNetworks: string[];
  /** The scopes kept when a remote approval did not pass number matching; null keeps them all. */
  remoteScopes: string[] | null;
  /** The longest such a limited sign-in may refresh for; null: as long as any other. */
  remoteRefreshTtlSeconds: number | null;
  /** This client's device-code lifetime (RFC 8628 §3.2 `expires_in`); null: the server's default. */
  deviceCodeTtlSeconds: number | null;
  /** `letters` (RFC 8628 §6.1 base-20, 8 characters) or `digits` (9, for number-pad remotes). */
  userCodeKind: UserCodeKind;
}

export type ProximityPolicy = 'off' | 'warn' | 'step-up' | 'deny';
export type UserCodeKind = 'letters' | 'digits';

/** Client fields that have defaults: a registration may leave them out. */
export type ClientDefaultedField =
  | 'jwks'
  | 'allowedAudiences'
  | 'requirePkce'
  | 'responseTypes'
  | 'proximity'
  | 'allowedNetworks'
  | 'remoteScopes'
  | 'remoteRefreshTtlSeconds'
  | 'deviceCodeTtlSeconds'
  | 'userCodeKind';

/**
 * What `upsertClient` takes: a full record, or one without the fields added later, which then
 * get their defaults (no JWKS, no APIs, PKCE as the flow requires it, and `["code"]` as the
 * response types of a client with the authorization_code grant, else none).
 */
export type ClientRegistration = Omit<ClientRecord, ClientDefaultedField> & Partial<Pick<ClientRecord, ClientDefaultedField>>;

/** A registration with its defaults filled in. */
export function withClientDefaults(client: ClientRegistration): ClientRecord {
  return {
    ...client,
    jwks: client.jwks ?? null,
    allowedAudiences: client.allowedAudiences ?? [],
    requirePkce: client.requirePkce ?? false,
    responseTypes: client.responseTypes ?? (client.grantTypes.includes('authorization_code') ? ['code'] : []),
    proximity: client.proximity ?? 'warn',
    allowedNetworks: client.allowedNetworks ?? [],
    remoteScopes: client.remoteScopes ?? null,
    remoteRefreshTtlSeconds: client.remoteRefreshTtlSeconds ?? null,
    deviceCodeTtlSeconds: client.deviceCodeTtlSeconds ?? null,
    userCodeKind: client.userCodeKind ?? 'letters',
  };
}

export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'redeemed';

export interface DeviceCodeRecord {
  /** SHA-256 (base64url) of the device code; the code itself is never stored. */
  deviceCodeHash: string;
  /** Canonical form (8 characters, no dash). Unique among codes that have not expired. */
  userCode: string;
  clientId: string;
  /** Space-separated granted-if-approved scope. */
  scope: string;
  deviceName: string | null;
  deviceModel: string | null;
  /** The address the device authorization request came from (for the confirm screen). */
  clientIp: string | null;
  createdAt: number;
  expiresAt: number;
  /** Current minimum polling interval in seconds; raised by 5 on every slow_down (RFC 8628 §3.5). */
  interval: number;
  lastPolledAt: number | null;
  status: DeviceCodeStatus;
  /** The approving user, once approved. */
  userId: string | null;
  decidedAt: number | null;
  /** SHA-256 of the stable id the device app keeps (`device_id`), when it sent one. Never shown. */
  deviceIdHash?: string;
  /** The number-matching draw, once a phone that is not near opened the confirm screen. */
  numberMatch?: NumberMatch;
  /** How it was approved, once approved. */
  approval?: DeviceApproval;
}

/** `number` is one of `choices`, which are three distinct two-digit numbers in the order shown. */
export interface NumberMatch {
  number: string;
  choices: string[];
}

/** Where the phone was, relative to the device, when the person approved (see `oauth/proximity.ts`). */
export type Proximity = 'near' | 'remote' | 'unknown';

/** How an approval was made (RFC 10027): recorded with the device code and copied to its grant. */
export interface ApprovalCheck {
  proximity: Proximity;
  /** The client's policy when it was approved. */
  policy: ProximityPolicy;
  numberMatched: boolean;
}

/** An approval of a device code: the grant it will become has its id from the start. */
export interface DeviceApproval extends ApprovalCheck {
  grantId: string;
}

export type DeviceDecision = { status: 'approved'; userId: string; approval: DeviceApproval } | { status: 'denied' };

/** A user's consent to one client on one device: the family of refresh tokens hangs off it. */
export interface GrantRecord {
  id: string;
  userId: string;
  clientId: string;
  scope: string;
  deviceName: string | null;
  deviceModel: string | null;
  /** When the user authenticated for this grant (OIDC `auth_time`). */
  authTime: number;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** The device's stable id (SHA-256), from its device code: a new pairing of it replaces this grant. */
  deviceIdHash?: string;
  /** How a device approval was made; absent for other flows. */
  approval?: ApprovalCheck;
  /** No refresh token of this grant lives past this (a limited grant, RFC 10027). */
  refreshUntil?: number;
}

export interface RefreshTokenRecord {
  /** SHA-256 (base64url) of the token. */
  tokenHash: string;
  grantId: string;
  scope: string;
  createdAt: number;
  expiresAt: number;
  /** Set when this token was exchanged for its successor; presenting it again is reuse. */
  rotatedAt: number | null;
  revokedAt: number | null;
}

export type RotateResult =
  /** The old token was live; it is now rotated and `next` is stored. */
  | 'rotated'
  /** The old token had already been rotated: the whole grant (family) is now revoked. */
  | 'reused'
  /** Unknown, revoked, or its grant is revoked. Nothing changed. */
  | 'invalid';

export interface SigningKeyRecord {
  kid: string;
  alg: 'ES256';
  /** JSON of the private JWK. */
  privateJwk: string;
  /** JSON of the public JWK (with kid, alg, use). */
  publicJwk: string;
  createdAt: number;
}

/**
 * A signed-in person's portal session. The cookie holds a random 256-bit id; the store holds
 * only its SHA-256, so a leaked database cannot be replayed as cookies.
 */
export interface SessionRecord {
  /** SHA-256 (base64url) of the session id. */
  idHash: string;
  userId: string;
  /** When the person entered their password (OIDC `auth_time`). */
  authTime: number;
  createdAt: number;
  expiresAt: number;
  /** A small JSON object of flow state (the code being confirmed, the last result); opaque to the store. */
  data: string;
}

/**
 * An authorization code (RFC 6749 §4.1.2): single-use, short-lived, bound to the client, the
 * redirect URI, the PKCE challenge (RFC 7636 §4.4) and the OIDC nonce. Only its hash is stored.
 */
export interface AuthorizationCodeRecord {
  /** SHA-256 (base64url) of the code. */
  codeHash: string;
  clientId: string;
  userId: string;
  /** Exactly as sent in the authorization request; the token request must repeat it (§4.1.3). */
  redirectUri: string;
  /** Space-separated granted scope. */
  scope: string;
  nonce: string | null;
  /** S256 challenge (RFC 7636 §4.2), or null when the (confidential) client sent none. */
  codeChallenge: string | null;
  /** When the person authenticated (OIDC `auth_time`). */
  authTime: number;
  /** The grant the code turns into. Fixed at issue so that a second redemption can revoke
   * exactly what the first one issued (RFC 6749 §4.1.2). */
  grantId: string;
  createdAt: number;
  expiresAt: number;
  redeemedAt: number | null;
}

/**
 * A validated authorization request waiting for the person's consent, kept server-side between
 * /oauth/authorize and the consent form so nothing on the consent page is taken from the client.
 */
export interface AuthorizationRequestRecord {
  /** SHA-256 (base64url) of the random request id. */
  idHash: string;
  /** The person it was made for; only their session may answer it. */
  userId: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  authTime: number;
  createdAt: number;
  expiresAt: number;
  /** The `response_type` asked for (e.g. `code`, `code id_token`); Allow answers with exactly that. */
  responseType: string;
  /** `query` or `form_post` (OAuth 2.0 Form Post Response Mode): how Allow or Cancel answers. */
  responseMode: string;
}

/** A person's remembered consent to one client (OIDC Core §3.1.2.4). */
export interface ConsentRecord {
  userId: string;
  clientId: string;
  /** Space-separated scopes the person has allowed this client. */
  scope: string;
  createdAt: number;
  updatedAt: number;
}

/** Result of `redeemAuthorizationCode`. */
export type RedeemCodeResult =
  /** This caller won: the code is now redeemed and its grant stored. */
  | { status: 'redeemed'; code: AuthorizationCodeRecord }
  /** The code had already been redeemed: its grant and every token of it are now revoked. */
  | { status: 'reused'; code: AuthorizationCodeRecord }
  /** Unknown or expired. Nothing changed. */
  | { status: 'invalid' };

/** The counters a sliding-window limiter needs: this fixed window's and the one before it. */
export interface RateLimitCounts {
  current: number;
  previous: number;
}

/**
 * One subject's progressive delay (an account's failed sign-ins, see `src/limits/sign-in.ts`):
 * failures in the current run, when the next attempt may come, and when the run is forgotten.
 */
export interface ThrottleState {
  failures: number;
  nextAllowedAt: number;
  expiresAt: number;
}

/** Thrown when a unique constraint is violated (e.g. a user with that email exists). */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
}

/** What `checkReady` found: ready, or why not (a short sentence for operators; no secrets). */
export type Readiness = { ready: true } | { ready: false; reason: string };

export interface Store {
  readonly kind: 'sqlite' | 'postgres';

  /** Runs pending versioned migrations; returns the schema version now in force. */
  migrate(): Promise<number>;
  /**
   * Whether this instance can serve: the database answers, every migration this build knows is
   * applied, and a real write succeeds (one upsert of the one-row `readiness` table). Never
   * throws: any failure is `{ ready: false, reason }`. For `GET /readyz`.
   */
  checkReady(): Promise<Readiness>;
  close(): Promise<void>;

  // Users
  /** @throws StoreConflictError if the email is taken. */
  createUser(user: UserRecord): Promise<void>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  findUserById(id: string): Promise<UserRecord | undefined>;
  /** Replaces the user's password hash (a stronger hash of the same password, made at sign-in). */
  updatePasswordHash(userId: string, passwordHash: string): Promise<void>;
  countUsers(): Promise<number>;

  // Clients
  /** Inserts or replaces the client with this clientId (omitted fields get `withClientDefaults`). */
  upsertClient(client: ClientRegistration): Promise<void>;
  findClient(clientId: string): Promise<ClientRecord | undefined>;
  listClients(): Promise<ClientRecord[]>;

  // Device codes (RFC 8628)
  /**
   * Stores a new device authorization. Returns false (and stores nothing) when another code with
   * the same user code has not yet expired at `record.createdAt`, so the caller draws a new one.
   */
  insertDeviceCode(record: DeviceCodeRecord): Promise<boolean>;
  findDeviceCode(deviceCodeHash: string): Promise<DeviceCodeRecord | undefined>;
  /** The most recent code with this canonical user code, expired or not. */
  findDeviceCodeByUserCode(userCode: string): Promise<DeviceCodeRecord | undefined>;
  /**
   * The newest code that is still pending at `now` and came from the same device as `previous`
   * (same client, address, name and model) after it — the code a kiosk shows once `previous`
   * expired. Undefined when there is none.
   */
  findReplacementDeviceCode(previous: DeviceCodeRecord, now: number): Promise<DeviceCodeRecord | undefined>;
  /**
   * Records a poll at `now`, atomically. `tooFast` is true when the code is `pending` and the
   * previous poll was less than `interval` seconds ago; then `interval` is raised by 5 before it
   * is returned (RFC 8628 §3.5: for this and all later polls). `lastPolledAt` becomes `now`.
   * Undefined when no such code exists.
   */
  recordDevicePoll(deviceCodeHash: string, now: number): Promise<{ record: DeviceCodeRecord; tooFast: boolean } | undefined>;
  /**
   * Approves or denies the code if it is still `pending` and unexpired at `now`; returns the
   * updated record, or undefined when it was not pending (already decided, redeemed, expired or
   * unknown). Exactly one of several racing decisions wins.
   */
  decideDeviceCode(userCode: string, decision: DeviceDecision, now: number): Promise<DeviceCodeRecord | undefined>;
  /**
   * Moves an `approved`, unexpired code to `redeemed` and stores `grant` (whose id must be the
   * approval's `grantId`) in one atomic step; returns the code, or undefined if this caller did
   * not win (exactly one successful redemption, however many polls race). One step, so the
   * grant exists the moment the code is redeemed: `withdrawDeviceApproval` then `revokeGrant`
   * can never miss it.
   */
  redeemDeviceCode(deviceCodeHash: string, grant: GrantRecord, now: number): Promise<DeviceCodeRecord | undefined>;
  /**
   * Stores `draw` as the code's number-matching draw unless it has one, while it is pending and
   * unexpired at `now`; returns the code with whichever draw was stored first (racing confirm
   * views all get the same one), or undefined when it is no longer pending.
   */
  drawNumberMatch(deviceCodeHash: string, draw: NumberMatch, now: number): Promise<DeviceCodeRecord | undefined>;
  /**
   * "This wasn't me" before the device collected its tokens: moves the `approved` code whose
   * approval by `userId` is this grant to `denied` (decided at `now`); returns it, or undefined
   * when there is none (the code was redeemed, so the grant exists, or it is not theirs).
   */
  withdrawDeviceApproval(grantId: string, userId: string, now: number): Promise<DeviceCodeRecord | undefined>;

  // Grants and refresh tokens
  createGrant(grant: GrantRecord): Promise<void>;
  findGrant(id: string): Promise<GrantRecord | undefined>;
  /** Grants of this user that are not revoked, newest first. */
  listActiveGrants(userId: string): Promise<GrantRecord[]>;
  touchGrant(id: string, now: number): Promise<void>;
  /** Revokes the grant and every refresh token of it. Returns false if it was unknown or already revoked. */
  revokeGrant(id: string, now: number): Promise<boolean>;
  /**
   * Revokes every live grant of this client whose device id is this one (a device paired again
   * replaces its old sign-in), with their refresh tokens, in one atomic step; returns their ids.
   */
  revokeDeviceGrants(clientId: string, deviceIdHash: string, now: number): Promise<string[]>;
  insertRefreshToken(token: RefreshTokenRecord): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Atomically exchanges a live refresh token for `next` (same grant). Reuse of an already
   * rotated token revokes the whole grant (RFC 9700 §4.14.2). An expired token is 'invalid'.
   * Of several racing rotations of one token exactly one is 'rotated'; the others count as reuse
   * ('reused', or 'invalid' once the grant is already revoked). Throws if `next.grantId` is not
   * the old token's grant.
   */
  rotateRefreshToken(oldHash: string, next: RefreshTokenRecord, now: number): Promise<RotateResult>;

  // Authorization codes (RFC 6749 §4.1), pending authorization requests and consents
  /** @throws StoreConflictError if a code with this hash exists. */
  insertAuthorizationCode(code: AuthorizationCodeRecord): Promise<void>;
  findAuthorizationCode(codeHash: string): Promise<AuthorizationCodeRecord | undefined>;
  /**
   * Redeems the code and stores `grant` (whose id must be the code's `grantId`) in one atomic
   * step: of any number of racing redemptions exactly one is 'redeemed'. Presenting a code that
   * was already redeemed revokes its grant and all its refresh tokens ('reused', RFC 6749
   * §4.1.2). An expired or unknown code is 'invalid'.
   */
  redeemAuthorizationCode(codeHash: string, grant: GrantRecord, now: number): Promise<RedeemCodeResult>;
  insertAuthorizationRequest(request: AuthorizationRequestRecord): Promise<void>;
  /** The request, if it exists and has not expired at `now`. */
  findAuthorizationRequest(idHash: string, now: number): Promise<AuthorizationRequestRecord | undefined>;
  /** Deletes and returns the request if it exists and is unexpired: exactly one caller gets it. */
  takeAuthorizationRequest(idHash: string, now: number): Promise<AuthorizationRequestRecord | undefined>;
  findConsent(userId: string, clientId: string): Promise<ConsentRecord | undefined>;
  /** Inserts or replaces this person's consent to this client (`createdAt` of an existing one is kept). */
  saveConsent(consent: ConsentRecord): Promise<void>;
  /** This person's consents, most recently updated first. */
  listConsents(userId: string): Promise<ConsentRecord[]>;
  /** Withdraws a consent; false if there was none. */
  deleteConsent(userId: string, clientId: string): Promise<boolean>;

  // Client assertions (private_key_jwt)
  /**
   * Records the `jti` of a client assertion until `expiresAt` (the assertion's `exp`), in one
   * atomic step; false when this client's assertion with that `jti` is already recorded and not
   * yet expired at `now` — a replay (RFC 7523 §3 item 7). Of racing calls exactly one is true.
   */
  recordClientAssertion(clientId: string, jti: string, expiresAt: number, now: number): Promise<boolean>;

  // Signing keys
  insertSigningKey(key: SigningKeyRecord): Promise<void>;
  /** Newest first (by `createdAt`, then insertion order). */
  listSigningKeys(limit: number): Promise<SigningKeyRecord[]>;
  /** Replaces a key's stored private JWK (re-encryption) only if it still is `from`; false otherwise. */
  replaceSigningKeyPrivateJwk(kid: string, from: string, to: string): Promise<boolean>;

  // Portal sessions
  /**
   * Stores the session and, in the same step, deletes this user's sessions beyond the newest
   * `maxPerUser` live ones (expired ones too), so a sign-in never leaves more than that: the
   * oldest goes on the one-more sign-in.
   * @throws StoreConflictError if a session with this id hash exists.
   */
  createSession(session: SessionRecord, maxPerUser: number): Promise<void>;
  /** The session, if it exists and has not expired at `now`. */
  findSession(idHash: string, now: number): Promise<SessionRecord | undefined>;
  /** Replaces the session's `data`; false if it is unknown or expired at `now`. */
  updateSessionData(idHash: string, data: string, now: number): Promise<boolean>;
  /** Deletes the session (sign-out). Deleting an unknown session is not an error. */
  deleteSession(idHash: string): Promise<void>;

  // Rate limits (fixed windows; the limiter combines two into a sliding estimate)
  /**
   * Adds one to `key`'s counter for the window of `windowMs` that contains `now`, atomically
   * (concurrent hits on any instance are all counted), and returns that window's count after
   * the hit plus the previous window's count. A key is always used with the same `windowMs`
   * (the limiter puts the window into its key names).
   */
  hitRateLimit(key: string, windowMs: number, now: number): Promise<RateLimitCounts>;
  /** The same counts without adding anything. */
  peekRateLimit(key: string, windowMs: number, now: number): Promise<RateLimitCounts>;

  // Progressive delays (compare-and-set, so racing attempts cannot share one slot)
  /** The subject's state, unless there is none or it expired at `now`. */
  peekThrottle(subject: string, now: number): Promise<ThrottleState | undefined>;
  /**
   * Replaces the subject's state with `next` if it is still `seen` (undefined: none, or expired
   * at `now`), atomically; false when another caller changed it first. Of racing claims from
   * one state exactly one is true.
   */
  claimThrottle(subject: string, seen: ThrottleState | undefined, next: ThrottleState, now: number): Promise<boolean>;
  /** Forgets the subject's state (a successful sign-in ends the run). */
  clearThrottle(subject: string): Promise<void>;

  /**
   * Deletes device codes and authorization codes expired more than `graceMs` ago (a late
   * second redemption still finds the code and revokes its tokens), refresh tokens, sessions and
   * pending authorization requests, client-assertion `jti`s and throttles past their expiry,
   * and rate-limit windows too old to count. In batches of a few hundred rows with the event loop
   * free between them (see purge.ts), so it may run while requests are served; returns the
   * number of rows deleted.
   */
  purgeExpired(now: number, graceMs: number): Promise<number>;
}
