import { decodeJwt } from 'jose';
import { oauthError } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import { authenticateClient } from '../client-auth';
import type { CoreContext } from '../context';
import { param, requireForm, requiredParam } from '../http/params';
import { noStore, type OAuthRequest, type OAuthResponse } from '../http/types';
import { verifyAccessToken } from '../tokens/verify';

/**
 * RFC 7009. Revoking a refresh token revokes its grant (every token of that sign-in); revoking
 * an access token does the same (§2.1 allows it), since JWT access tokens cannot be recalled
 * one by one and userinfo checks the grant. Unknown, foreign or already revoked tokens get the
 * same 200 as a success (§2.2), so the endpoint reveals nothing.
 */
export async function revocationEndpoint(ctx: CoreContext, req: OAuthRequest): Promise<OAuthResponse> {
  const params = requireForm(req);
  const client = await authenticateClient(ctx, req, params);
  const token = requiredParam(params, 'token');
  const hint = param(params, 'token_type_hint');
  if (hint !== undefined && hint !== 'refresh_token' && hint !== 'access_token') {
    throw oauthError.unsupportedTokenType(`Tokens of type ${hint} cannot be revoked here.`);
  }
  const grantId = (await refreshTokenGrant(ctx, token)) ?? (await accessTokenGrant(ctx, token));
  if (grantId) {
    const grant = await ctx.store.findGrant(grantId);
    if (grant && grant.clientId === client.clientId) await ctx.store.revokeGrant(grant.id, ctx.now());
  }
  return { status: 200, headers: { ...noStore } };
}

async function refreshTokenGrant(ctx: CoreContext, token: string): Promise<string | undefined> {
  return (await ctx.store.findRefreshToken(hashSecret(token)))?.grantId;
}

async function accessTokenGrant(ctx: CoreContext, token: string): Promise<string | undefined> {
  // Cheap shape check first: refresh tokens are not JWTs.
  try {
    decodeJwt(token);
  } catch {
    return undefined;
  }
  try {
    return (await verifyAccessToken(ctx, token)).sid;
  } catch {
    return undefined;
  }
}
