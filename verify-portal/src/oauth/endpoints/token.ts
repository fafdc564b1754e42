import { GrantType, isOAuthError, oauthError } from '@pairgate/shared';
import { logger } from '../../observability/logger';
import { authenticateClient } from '../client-auth';
import type { CoreContext } from '../context';
import { grantHandlers } from '../grants';
import { param, requireForm } from '../http/params';
import { json, noStore, type OAuthRequest, type OAuthResponse } from '../http/types';

/**
 * What `invalid_grant` says on the wire, per grant type: the same words whatever was wrong with
 * the code or token presented (unknown, expired, revoked, already used, its account gone, a
 * PKCE or redirect_uri mismatch). Its holder may be a thief, and "already used; the session
 * has been revoked" would tell them what the rightful client did. The specific reason goes to
 * the log only (oidc-provider's `error_description` vs `error_detail`). The password grant's
 * one reason already says nothing about which of the two was wrong.
 */
const INVALID_GRANT: Readonly<Record<string, string>> = {
  [GrantType.AuthorizationCode]: 'The authorization code is not valid for this request.',
  [GrantType.DeviceCode]: 'The device code is not valid.',
  [GrantType.RefreshToken]: 'The refresh token is not valid.',
};

/** RFC 6749 §3.2: authenticate the client, then hand over to the grant type's handler. */
export async function tokenEndpoint(ctx: CoreContext, req: OAuthRequest): Promise<OAuthResponse> {
  const params = requireForm(req);
  const grantType = param(params, 'grant_type');
  if (grantType === undefined) throw oauthError.invalidRequest('The grant_type parameter is required.');
  const handler = Object.hasOwn(grantHandlers, grantType) ? grantHandlers[grantType] : undefined;
  if (!handler) throw oauthError.unsupportedGrantType(`The grant type ${grantType} is not supported.`);
  const client = await authenticateClient(ctx, req, params);
  if (!client.grantTypes.includes(grantType)) throw oauthError.unauthorizedClient(`This client may not use the ${grantType} grant.`);
  try {
    return json(200, await handler(ctx, client, params, req), { ...noStore });
  } catch (err) {
    const generic = isOAuthError(err, 'invalid_grant') && Object.hasOwn(INVALID_GRANT, grantType) ? INVALID_GRANT[grantType] : undefined;
    if (generic === undefined) throw err;
    logger.info({ grantType, clientId: client.clientId, detail: (err as Error & { description?: string }).description }, 'token request refused: invalid_grant');
    throw oauthError.invalidGrant(generic);
  }
}
