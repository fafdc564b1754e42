/**
 * The authorization endpoint's state (RFC 6749 §4.1): codes, requests waiting for consent, and
 * the consents people have given.
 */
import type { GrantRecord } from './grants';

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

export interface AuthorizationStore {
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
}
