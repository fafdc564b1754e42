/**
 * For resource servers ("call an API"): checks the bearer access token of a request, an
 * RFC 9068 JWT, against the issuer's keys, and answers in RFC 6750 terms — the typed claims, or
 * an `OAuthError` whose status and `WWW-Authenticate` header the API can send back as they are.
 */
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { OAuthError, quotedString } from '../protocol/errors';

export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  scope?: string;
  auth_time?: number;
}

export interface AccessTokenRequirements {
  /** The authorization server's issuer identifier. */
  issuer: string;
  /** This API's identifier: the token's `aud` must contain it (RFC 9068 §4). */
  audience: string;
  /** The issuer's keys: `createRemoteJWKSet(new URL(metadata.jwks_uri))`, a jose key getter, or a JWKS. */
  jwks: JWTVerifyGetKey | JSONWebKeySet;
  /** Scopes the request needs; all must be granted. */
  requiredScopes?: readonly string[];
  /** `realm` in the challenge; defaults to the audience. */
  realm?: string;
  clockTolerance?: number;
  /** Default ES256 and RS256; never `none` or HMAC (RFC 9068 §4: asymmetric only). */
  algorithms?: string[];
  currentDate?: Date;
}

export type AccessTokenCheck = { ok: true; claims: AccessTokenClaims; scopes: string[] } | { ok: false; error: OAuthError };

/** RFC 6750 §2.1: `Authorization: Bearer <b64token>`. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Checks the `Authorization` header of a request. Never throws for a bad token: a missing one
 * gets a bare challenge (RFC 6750 §3.1), a malformed, forged, expired or foreign one
 * `invalid_token` (401), and one without the required scopes `insufficient_scope` (403).
 */
export async function verifyAccessToken(authorization: string | null | undefined, requirements: AccessTokenRequirements): Promise<AccessTokenCheck> {
  const realm = `realm=${quotedString(requirements.realm ?? requirements.audience)}`;
  if (!authorization) {
    return { ok: false, error: new OAuthError('invalid_token', 'A bearer access token is required.', { status: 401, headers: { 'WWW-Authenticate': `Bearer ${realm}` } }) };
  }
  const invalid = (description: string) =>
    new OAuthError('invalid_token', description, {
      status: 401,
      headers: { 'WWW-Authenticate': `Bearer ${realm}, error="invalid_token", error_description=${quotedString(description)}` },
    });
  const match = BEARER.exec(authorization.trim());
  if (!match?.[1]) {
    // RFC 6750 §3.1: a malformed request is invalid_request (400).
    const description = 'The Authorization header must be "Bearer <token>".';
    return {
      ok: false,
      error: new OAuthError('invalid_request', description, {
        status: 400,
        headers: { 'WWW-Authenticate': `Bearer ${realm}, error="invalid_request", error_description=${quotedString(description)}` },
      }),
    };
  }

  let payload: JWTPayload;
  try {
    const getKey = typeof requirements.jwks === 'function' ? requirements.jwks : createLocalJWKSet(requirements.jwks);
    ({ payload } = await jwtVerify(match[1], getKey, {
      issuer: requirements.issuer,
      audience: requirements.audience,
      // RFC 9068 §4: the resource server MUST check typ, and §2.2 lists the required claims.
      typ: 'at+jwt',
      requiredClaims: ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'],
      algorithms: requirements.algorithms ?? ['ES256', 'RS256'],
      clockTolerance: requirements.clockTolerance ?? 0,
      ...(requirements.currentDate ? { currentDate: requirements.currentDate } : {}),
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) return { ok: false, error: invalid('The access token has expired.') };
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'aud') return { ok: false, error: invalid('The access token is not meant for this API.') };
    if (err instanceof errors.JOSEError) return { ok: false, error: invalid('The access token is invalid.') };
    throw err; // a bug or a key fetch that failed: not the caller's fault
  }

  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
  const missing = (requirements.requiredScopes ?? []).filter((s) => !scopes.includes(s));
  if (missing.length > 0) {
    const description = `This request needs the scope ${missing.join(' ')}.`;
    return {
      ok: false,
      error: new OAuthError('insufficient_scope', description, {
        status: 403,
        headers: {
          'WWW-Authenticate': `Bearer ${realm}, error="insufficient_scope", error_description=${quotedString(description)}, scope=${quotedString((requirements.requiredScopes ?? []).join(' '))}`,
        },
      }),
    };
  }
  return { ok: true, claims: payload as AccessTokenClaims, scopes };
}
