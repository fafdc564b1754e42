import { oauthError, parseScope } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import { apiAudiences } from '../audience';
import { param, requiredParam } from '../http/params';
import { tellSignInEnded } from '../sign-ins';
import { issueTokens, refreshTokenExpiry } from '../tokens/issue';
import type { GrantHandler } from './types';

/**
 * RFC 6749 §6. Public clients get a new refresh token on every use and the old one is retired;
 * presenting a retired one again revokes the whole grant (RFC 9700 §4.14.2), since either the
 * device or a thief holds a copy. Confidential clients keep theirs.
 */
export const refreshTokenGrant: GrantHandler = async (ctx, client, params) => {
  const presented = requiredParam(params, 'refresh_token');
  // RFC 8707 §2: the refreshed access token may be for fewer of the client's APIs.
  const apis = apiAudiences(params, client);
  const hash = hashSecret(presented);
  const now = ctx.now();
  const token = await ctx.store.findRefreshToken(hash);
  const grant = token && (await ctx.store.findGrant(token.grantId));
  if (!token || !grant || grant.clientId !== client.clientId) throw oauthError.invalidGrant('Unknown refresh token.');
  if (token.revokedAt !== null || grant.revokedAt !== null) throw oauthError.invalidGrant('This refresh token has been revoked.');
  if (now >= token.expiresAt) throw oauthError.invalidGrant('This refresh token has expired.');

  // RFC 6749 §6: a narrower scope may be asked for, never a wider one.
  const granted = parseScope(token.scope) ?? [];
  const requested = parseScope(param(params, 'scope'));
  if (requested === undefined) throw oauthError.invalidScope('The scope parameter is malformed.');
  if (!requested.every((s) => granted.includes(s))) throw oauthError.invalidScope('The requested scope exceeds what was granted.');
  const scope = requested.length > 0 ? requested : granted;

  const user = await ctx.store.findUserById(grant.userId);
  if (!user) throw oauthError.invalidGrant('The account no longer exists.');

  const rotate = client.type === 'public';
  const { response, refreshTokenHash } = await issueTokens(ctx, { grant, client, user, scope, refreshToken: rotate, apis });
  if (refreshTokenHash) {
    const result = await ctx.store.rotateRefreshToken(
      hash,
      {
        tokenHash: refreshTokenHash,
        grantId: grant.id,
        scope: token.scope,
        createdAt: now,
        expiresAt: refreshTokenExpiry(ctx, grant, now),
        rotatedAt: null,
        revokedAt: null,
      },
      now,
    );
    switch (result) {
      case 'rotated':
        break;
      case 'reused':
        // RFC 9700 §4.14.2: the store revoked the grant; the device (or the thief) watching it hears so now.
        tellSignInEnded(ctx, grant.id);
        throw oauthError.invalidGrant('This refresh token was already used; the session has been revoked.');
      case 'invalid':
        throw oauthError.invalidGrant('This refresh token has been revoked.');
    }
  }
  await ctx.store.touchGrant(grant.id, now);
  return response;
};
