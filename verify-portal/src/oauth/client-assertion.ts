import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, importJWK, jwtVerify, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import { oauthError } from '@pairgate/shared';
import type { ClientRecord } from '../store/store';
import { endpointUrls, type CoreContext } from './context';

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Signature algorithms accepted for private_key_jwt (discovery's
 * `token_endpoint_auth_signing_alg_values_supported`). Asymmetric only: never `none`, and never
 * HS*, since this method proves possession of a private key (OIDC Core §9), not of a secret.
 */
export const clientAssertionAlgorithms = ['ES256', 'RS256', 'PS256', 'EdDSA'] as const;

/** Far above any real assertion (a few hundred bytes); longer is refused before parsing. */
const MAX_ASSERTION_LENGTH = 8 * 1024;
/** Longest `jti` remembered (real ones are UUIDs or ~32 random bytes). */
const MAX_JTI_LENGTH = 256;

const failed = (description: string) => oauthError.invalidClient(description);

/**
 * The client an assertion says it comes from: its `iss`, which must equal its `sub` (RFC 7523
 * §3 items 1–2, OIDC Core §9). Read without verifying, only to find that client's keys;
 * `verifyClientAssertion` then checks everything.
 */
export function assertionClientId(assertion: string): string {
  if (assertion.length > MAX_ASSERTION_LENGTH) throw failed('The client assertion is too large.');
  let claims: JWTPayload;
  try {
    claims = decodeJwt(assertion);
  } catch {
    throw failed('The client assertion is not a JWT.');
  }
  if (typeof claims.iss !== 'string' || claims.iss === '' || claims.sub !== claims.iss) {
    throw failed('The client assertion must have iss and sub equal to the client_id.');
  }
  return claims.iss;
}

/**
 * RFC 7523 §3 / OIDC Core §9 `private_key_jwt`: the assertion is signed by one of the client's
 * registered keys with an allowed algorithm; `iss` = `sub` = client_id; `aud` names this server
 * (its issuer or its token endpoint); `exp` is present, in the future and at most
 * `maxClientAssertionLifetimeSeconds` away; and its `jti` has not been seen while it is valid
 * (§3 item 7: the store records it atomically, so of two racing requests one is refused).
 * Every failure is `invalid_client` (RFC 7521 §4.2.1).
 */
export async function verifyClientAssertion(ctx: CoreContext, client: ClientRecord, assertion: string): Promise<void> {
  if (!client.jwks || client.jwks.keys.length === 0) throw failed('Client authentication failed.');
  const skew = ctx.settings.clientAssertionClockSkewSeconds;
  const maxLifetime = ctx.settings.maxClientAssertionLifetimeSeconds;
  const now = ctx.now();
  const nowSeconds = Math.floor(now / 1000);

  // Algorithm check first, so an HS256 or `none` assertion gets a clear answer.
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(assertion).alg;
  } catch {
    throw failed('The client assertion is not a JWT.');
  }
  if (!(clientAssertionAlgorithms as readonly unknown[]).includes(alg)) {
    throw failed(`The client assertion must be signed with one of ${clientAssertionAlgorithms.join(', ')}.`);
  }

  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(assertion, createLocalJWKSet(client.jwks), {
      algorithms: [...clientAssertionAlgorithms],
      issuer: client.clientId,
      subject: client.clientId,
      // RFC 7523 §3 item 3: the issuer identifier, or the token endpoint URL (also accepted at
      // the revocation and introspection endpoints: the same credential for the same server).
      audience: [ctx.issuer, endpointUrls(ctx.issuer).token],
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
      clockTolerance: skew,
      currentDate: new Date(now),
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw failed('The client assertion has expired.');
    if (err instanceof errors.JWTClaimValidationFailed) throw failed(`The client assertion's ${err.claim} claim is not acceptable.`);
    if (err instanceof errors.JOSEError) throw failed('The client assertion could not be verified with the registered keys.');
    throw err;
  }

  const { exp, iat, jti } = claims;
  if (typeof exp !== 'number' || typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
    throw failed('The client assertion needs exp and a jti of at most 256 characters.');
  }
  if (typeof iat === 'number' && iat > nowSeconds + skew) throw failed('The client assertion was issued in the future.');
  // A short window bounds both the damage of a leaked assertion and how long its jti is kept.
  if (exp - nowSeconds > maxLifetime + skew || (typeof iat === 'number' && exp - iat > maxLifetime)) {
    throw failed(`The client assertion may be valid for at most ${maxLifetime} seconds.`);
  }

  // Remembered until it could no longer be accepted (exp plus the tolerated skew).
  if (!(await ctx.store.recordClientAssertion(client.clientId, jti, (exp + skew) * 1000, now))) {
    throw failed('This client assertion has already been used (jti).');
  }
}

/** Members of a JWK that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** The algorithm a key is checked with when it names none. */
const DEFAULT_ALG: Readonly<Record<string, string>> = { EC: 'ES256', RSA: 'RS256', OKP: 'EdDSA' };

/**
 * Checks a JWK Set registered for private_key_jwt (RFC 7517 §5): at least one key, public keys
 * only (a private or symmetric key here would be a leaked secret, and `oct` would allow HS*),
 * each usable with an allowed algorithm. Returns it, or throws an Error saying what is wrong.
 */
export async function checkClientJwks(value: unknown): Promise<JSONWebKeySet> {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== 'object' || value === null || !Array.isArray(keys) || keys.length === 0) {
    throw new Error('A JWK Set needs a non-empty "keys" array.');
  }
  for (const [i, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null) throw new Error(`Key ${i} is not a JSON object.`);
    const jwk = key as JWK;
    if (PRIVATE_MEMBERS.some((m) => m in jwk)) throw new Error(`Key ${i} is private or symmetric; register public keys only.`);
    const alg = jwk.alg ?? DEFAULT_ALG[jwk.kty ?? ''];
    if (alg === undefined || !(clientAssertionAlgorithms as readonly string[]).includes(alg)) {
      throw new Error(`Key ${i} must be for one of ${clientAssertionAlgorithms.join(', ')}.`);
    }
    if (jwk.use !== undefined && jwk.use !== 'sig') throw new Error(`Key ${i} is not a signing key (use: ${jwk.use}).`);
    try {
      await importJWK(jwk, alg);
    } catch (err) {
      throw new Error(`Key ${i} is not a valid ${alg} public key (${err instanceof Error ? err.message : String(err)}).`, { cause: err });
    }
  }
  return value as JSONWebKeySet;
}
