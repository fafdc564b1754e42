import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { oauthError } from '@pairgate/shared';
import type { CoreContext } from '../context';

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  client_id: string;
  scope: string;
  sid: string;
}

/**
 * Verifies an access token this server issued (RFC 9068 §4: typ, iss, aud, exp, signature) and
 * that its grant has not been revoked since. Throws `invalid_token` otherwise.
 */
export async function verifyAccessToken(ctx: CoreContext, token: string): Promise<AccessTokenClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet(await ctx.keys.jwks()), {
      issuer: ctx.issuer,
      audience: ctx.issuer,
      typ: 'at+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(ctx.now()),
    }));
  } catch (err) {
    if (err instanceof errors.JOSEError) throw oauthError.invalidToken(err instanceof errors.JWTExpired ? 'The access token has expired.' : 'The access token is invalid.');
    throw err;
  }
  const { sub, client_id, scope, sid } = payload as Partial<AccessTokenClaims>;
  if (typeof sub !== 'string' || typeof client_id !== 'string' || typeof scope !== 'string' || typeof sid !== 'string') {
    throw oauthError.invalidToken('The access token is invalid.');
  }
  const grant = await ctx.store.findGrant(sid);
  if (!grant || grant.revokedAt !== null) throw oauthError.invalidToken('The access token has been revoked.');
  return { ...payload, sub, client_id, scope, sid };
}
