/**
 * OIDC Core §3.1.3.7: ID token validation, with jose doing the signature and the registered
 * claims (iss, aud, exp, iat) and this file adding what jose cannot know (nonce, azp, auth_time).
 */
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';

export interface IdTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  auth_time?: number;
  azp?: string;
  name?: string;
  email?: string;
  email_verified?: boolean;
}

export interface VerifyIdTokenOptions {
  /** The issuer the metadata was discovered from. */
  issuer: string;
  /** Our client id: it must be in `aud` (and be `azp` when `azp` is present). */
  clientId: string;
  /** The server's keys: `createRemoteJWKSet(new URL(metadata.jwks_uri))`, any jose key getter, or a JWKS document. */
  jwks: JWTVerifyGetKey | JSONWebKeySet;
  /** The nonce sent in the authorization request; when given, the token must carry it (§3.1.2.1). */
  nonce?: string;
  /** The `max_age` sent in the authorization request; when given, `auth_time` must be recent enough. */
  maxAgeSeconds?: number;
  /** Allowed clock skew in seconds for exp/iat/auth_time. Default 0. */
  clockTolerance?: number;
  /** Accepted signing algorithms; default: whatever the key allows (never `none`). */
  algorithms?: string[];
  /** For tests: "now". */
  currentDate?: Date;
}

function claimFailed(message: string, payload: JWTPayload, claim: string, reason: string): errors.JWTClaimValidationFailed {
  return new errors.JWTClaimValidationFailed(message, payload, claim, reason);
}

/**
 * Verifies an ID token and returns its claims. Throws jose's errors (`err.code`, e.g.
 * `ERR_JWT_CLAIM_VALIDATION_FAILED`, `ERR_JWT_EXPIRED`, `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`).
 */
export async function verifyIdToken(idToken: string, options: VerifyIdTokenOptions): Promise<IdTokenClaims> {
  const getKey = typeof options.jwks === 'function' ? options.jwks : createLocalJWKSet(options.jwks);
  const clockTolerance = options.clockTolerance ?? 0;
  const { payload } = await jwtVerify(idToken, getKey, {
    issuer: options.issuer,
    audience: options.clientId,
    clockTolerance,
    // OIDC Core §2: iss, sub, aud, exp and iat are REQUIRED in every ID token.
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
    ...(options.algorithms ? { algorithms: options.algorithms } : {}),
    ...(options.currentDate ? { currentDate: options.currentDate } : {}),
  });

  // §3.1.3.7 items 4–5: with several audiences, `azp` should be present; when present it must be us.
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp === undefined) {
    throw claimFailed('"azp" claim missing for a token with several audiences', payload, 'azp', 'missing');
  }
  if (payload.azp !== undefined && payload.azp !== options.clientId) {
    throw claimFailed('unexpected "azp" claim value', payload, 'azp', 'check_failed');
  }
  // §3.1.3.7 item 11: the nonce binds the token to our authorization request (replay defence).
  if (options.nonce !== undefined && payload.nonce !== options.nonce) {
    throw claimFailed('unexpected "nonce" claim value', payload, 'nonce', payload.nonce === undefined ? 'missing' : 'check_failed');
  }
  // §3.1.3.7 item 13: when max_age was requested, auth_time is required and must be recent enough.
  if (options.maxAgeSeconds !== undefined) {
    if (typeof payload.auth_time !== 'number') {
      throw claimFailed('"auth_time" claim missing', payload, 'auth_time', 'missing');
    }
    const now = Math.floor((options.currentDate?.getTime() ?? Date.now()) / 1000);
    if (payload.auth_time + options.maxAgeSeconds < now - clockTolerance) {
      throw claimFailed('too much time has elapsed since the end-user authenticated', payload, 'auth_time', 'check_failed');
    }
  }
  if (typeof payload.sub !== 'string' || typeof payload.iat !== 'number' || typeof payload.exp !== 'number') {
    throw claimFailed('"sub", "iat" and "exp" must be present and well-typed', payload, 'sub', 'invalid');
  }
  return payload as IdTokenClaims;
}
