import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { oauthError, type AccessTokenClaims as Rfc9068Claims } from '@pairgate/shared';
import type { CoreContext } from '../context';

/** The claims of an access token this server issued (RFC 9068 §2.2): it always has a scope. */
export interface IssuedAccessTokenClaims extends Rfc9068Claims {
  scope: string;
  /** The person's grant; absent from client-credentials tokens. */
  sid?: string;
}

/** A person's access token, as userinfo and revocation need it: always with its grant. */
export interface AccessTokenClaims extends IssuedAccessTokenClaims {
  sid: string;
}

/**
 * Checks that a token is an access token this server issued and that it is still good
 * (RFC 9068 §4: typ, iss, exp, signature; any audience), and then that nothing has withdrawn it
 * since: a person's token (`sid`) needs its grant unrevoked, a client's token (client
 * credentials, no `sid`) needs its client still registered. Throws `invalid_token` otherwise.
 */
export async function inspectAccessToken(ctx: CoreContext, token: string, audience?: string): Promise<IssuedAccessTokenClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet(await ctx.keys.jwks()), {
      issuer: ctx.issuer,
      ...(audience === undefined ? {} : { audience }),
      typ: 'at+jwt',
      algorithms: ['ES256'],
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'],
      currentDate: new Date(ctx.now()),
    }));
  } catch (err) {
    if (err instanceof errors.JOSEError) throw oauthError.invalidToken(err instanceof errors.JWTExpired ? 'The access token has expired.' : 'The access token is invalid.');
    throw err;
  }
  const { sub, client_id, scope, sid, jti } = payload;
  if (typeof sub !== 'string' || typeof client_id !== 'string' || typeof scope !== 'string' || typeof jti !== 'string' || (sid !== undefined && typeof sid !== 'string')) {
    throw oauthError.invalidToken('The access token is invalid.');
  }
  if (typeof sid === 'string') {
    const grant = await ctx.store.findGrant(sid);
    if (!grant || grant.revokedAt !== null) throw oauthError.invalidToken('The access token has been revoked.');
  } else if (!(await ctx.clients.findClient(client_id))) {
    throw oauthError.invalidToken('The access token has been revoked.');
  }
  return payload as IssuedAccessTokenClaims;
}

/**
 * A person's access token for this server itself (userinfo; `aud` = issuer), with its grant
 * unrevoked. Client-credentials tokens never pass: they are for APIs, and have no person.
 */
export async function verifyAccessToken(ctx: CoreContext, token: string): Promise<AccessTokenClaims> {
  const claims = await inspectAccessToken(ctx, token, ctx.issuer);
  if (typeof claims.sid !== 'string') throw oauthError.invalidToken('The access token is invalid.');
  return { ...claims, sid: claims.sid };
}
