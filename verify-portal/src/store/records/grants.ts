/** Grants (a person's consent to one client on one device) and the refresh tokens that hang off them. */
import type { ApprovalCheck } from './device-codes';

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

export interface GrantStore {
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
}
