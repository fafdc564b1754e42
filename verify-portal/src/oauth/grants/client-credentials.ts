import { formatScope, oauthError, parseScope, Scope, type TokenResponse } from '@pairgate/shared';
import { requestedAudiences } from '../audience';
import { param } from '../http/params';
import { signAccessToken } from '../tokens/issue';
import type { GrantHandler } from './types';

/** Scopes about a person: meaningless in a token where the client acts for itself. */
const PERSON_SCOPES: readonly string[] = [Scope.OpenId, Scope.Profile, Scope.Email, Scope.OfflineAccess];

/**
 * RFC 6749 §4.4: a confidential client gets an access token for itself. The token (RFC 9068)
 * has the client as `sub` (§2.2), the API(s) asked for with `audience` / `resource` (RFC 8707)
 * as `aud`, and scopes within the client's. No refresh token (§4.4.3: SHOULD NOT) and no ID
 * token (there is no person).
 */
export const clientCredentialsGrant: GrantHandler = async (ctx, client, params) => {
  // §4.4: "MUST only be used by confidential clients" (authenticateClient proved this one).
  if (client.type !== 'confidential' || client.tokenEndpointAuthMethod === 'none') {
    throw oauthError.unauthorizedClient('Only confidential clients may use the client_credentials grant.');
  }

  // RFC 6749 §3.3: a missing scope means the client's registered (API) scopes.
  const requested = parseScope(param(params, 'scope'));
  if (requested === undefined) throw oauthError.invalidScope('The scope parameter is malformed.');
  const forPerson = requested.filter((s) => PERSON_SCOPES.includes(s));
  if (forPerson.length > 0) throw oauthError.invalidScope(`${forPerson.join(' ')} only apply to a person's sign-in.`);
  const refused = requested.filter((s) => !client.scopes.includes(s));
  if (refused.length > 0) throw oauthError.invalidScope(`This client may not ask for: ${refused.join(' ')}.`);
  const scope = requested.length > 0 ? requested : client.scopes.filter((s) => !PERSON_SCOPES.includes(s));

  // RFC 9068 §3: a token is for a resource. Without `audience` / `resource`, the client's one
  // API if it has exactly one; otherwise the request must say which (RFC 8707 §2 invalid_target).
  let audience = requestedAudiences(params, client);
  if (audience.length === 0) {
    if (client.allowedAudiences.length !== 1) {
      throw oauthError.invalidTarget(client.allowedAudiences.length === 0 ? 'This client may not get tokens for any API.' : 'Say which API the token is for (audience or resource).');
    }
    audience = [...client.allowedAudiences];
  }

  const { token, expiresIn } = await signAccessToken(ctx, { client, subject: client.clientId, scope, audience });
  const response: TokenResponse = { access_token: token, token_type: 'Bearer', expires_in: expiresIn };
  if (scope.length > 0) response.scope = formatScope(scope);
  return response;
};
