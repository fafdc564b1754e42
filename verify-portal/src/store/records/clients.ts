/** Registered clients (RFC 6749 §2) and the replay check of their `private_key_jwt` assertions. */
import type { JSONWebKeySet } from 'jose';

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

export interface ClientStore {
  /** Inserts or replaces the client with this clientId (omitted fields get `withClientDefaults`). */
  upsertClient(client: ClientRegistration): Promise<void>;
  findClient(clientId: string): Promise<ClientRecord | undefined>;
  listClients(): Promise<ClientRecord[]>;

  /**
   * Records the `jti` of a client assertion (private_key_jwt) until `expiresAt` (the
   * assertion's `exp`), in one atomic step; false when this client's assertion with that `jti`
   * is already recorded and not yet expired at `now` — a replay (RFC 7523 §3 item 7). Of racing
   * calls exactly one is true.
   */
  recordClientAssertion(clientId: string, jti: string, expiresAt: number, now: number): Promise<boolean>;
}
