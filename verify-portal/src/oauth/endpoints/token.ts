import { oauthError } from '@pairgate/shared';
import { authenticateClient } from '../client-auth';
import type { CoreContext } from '../context';
import { grantHandlers } from '../grants';
import { param, requireForm } from '../http/params';
import { json, noStore, type OAuthRequest, type OAuthResponse } from '../http/types';

/** RFC 6749 §3.2: authenticate the client, then hand over to the grant type's handler. */
export async function tokenEndpoint(ctx: CoreContext, req: OAuthRequest): Promise<OAuthResponse> {
  const params = requireForm(req);
  const grantType = param(params, 'grant_type');
  if (grantType === undefined) throw oauthError.invalidRequest('The grant_type parameter is required.');
  const handler = Object.hasOwn(grantHandlers, grantType) ? grantHandlers[grantType] : undefined;
  if (!handler) throw oauthError.unsupportedGrantType(`The grant type ${grantType} is not supported.`);
  const client = await authenticateClient(ctx, req, params);
  if (!client.grantTypes.includes(grantType)) throw oauthError.unauthorizedClient(`This client may not use the ${grantType} grant.`);
  return json(200, await handler(ctx, client, params, req), { ...noStore });
}
