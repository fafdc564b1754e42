import { formatScope, oauthError } from '@pairgate/shared';
import type { ClientRecord, GrantRecord } from '../../store/store';
import { personAudience } from '../audience';
import type { CoreContext } from '../context';
import type { OAuthResponse } from '../http/types';
import { newGrant } from '../new-grant';
import { responseTypeRegistry, type ResponseMode } from '../response-types';
import { signIdToken } from '../tokens/id-token';
import { signAccessToken } from '../tokens/issue';
import { issueAuthorizationCode } from './codes';
import { authorizationResponse } from './response';

/** An authorization request the person has allowed (at once, or on the consent screen). */
export interface AllowedAuthorization {
  client: ClientRecord;
  userId: string;
  /** Canonical (see `response-types.ts`). */
  responseType: string;
  responseMode: ResponseMode;
  redirectUri: string;
  scope: readonly string[];
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  authTime: number;
}

/**
 * The successful authorization response for what the request asked for:
 *   - `code` (RFC 6749 §4.1.2): a code bound to the request, redeemed at the token endpoint;
 *   - `id_token`, `id_token token` (OIDC Core §3.2.2.5, implicit): the ID token (and an access
 *     token, `at_hash` in the ID token, §3.2.2.10) straight from here; the sign-in becomes a grant
 *     of its own (no refresh token), so it is listed, can be signed out and its token revoked;
 *   - `code id_token`, `code token`, `code id_token token` (§3.3.2.5, hybrid): the code plus the
 *     ID token with `c_hash` (and `at_hash`, §3.3.2.11) and/or an access token. These belong to
 *     the grant the code turns into (its id is fixed now): the access token is honoured once the
 *     code is redeemed, and dies with it if the code is ever presented twice (RFC 6749 §4.1.2).
 * Answered in the request's response mode (form post for everything but plain `code`).
 */
export async function answerAuthorization(ctx: CoreContext, allowed: AllowedAuthorization): Promise<OAuthResponse> {
  const returns = responseTypeRegistry[allowed.responseType];
  if (!returns) throw oauthError.serverError(new Error(`unregistered response type ${allowed.responseType}`));
  const { client, scope } = allowed;
  const params: Record<string, string> = {};
  let grant: Pick<GrantRecord, 'id' | 'authTime'>;

  if (returns.code) {
    const { code, grantId } = await issueAuthorizationCode(ctx, {
      clientId: client.clientId,
      userId: allowed.userId,
      redirectUri: allowed.redirectUri,
      scope,
      nonce: allowed.nonce,
      codeChallenge: allowed.codeChallenge,
      authTime: allowed.authTime,
    });
    params.code = code;
    grant = { id: grantId, authTime: allowed.authTime };
    if (!returns.idToken && !returns.token) return authorizationResponse(allowed.responseMode, allowed.redirectUri, ctx.issuer, allowed.state, params);
  } else {
    const record = newGrant({ userId: allowed.userId, clientId: client.clientId, scope: formatScope(scope), authTime: allowed.authTime }, ctx.now());
    await ctx.store.createGrant(record);
    grant = record;
  }

  if (returns.token) {
    // RFC 6749 §4.2.2: access_token, token_type, expires_in, scope. The API audiences are the
    // client's registered ones (as at the token endpoint without `resource`, see audience.ts).
    const audience = personAudience(ctx.issuer, client.allowedAudiences);
    const { token, expiresIn } = await signAccessToken(ctx, { client, subject: allowed.userId, scope, audience, grant });
    Object.assign(params, { access_token: token, token_type: 'Bearer', expires_in: String(expiresIn), scope: formatScope(scope) });
  }
  if (returns.idToken) {
    const user = await ctx.store.findUserById(allowed.userId);
    if (!user) throw oauthError.accessDenied('The account no longer exists.');
    params.id_token = await signIdToken(ctx, { client, user, grant, scope, nonce: allowed.nonce, accessToken: params.access_token, code: params.code });
  }
  return authorizationResponse(allowed.responseMode, allowed.redirectUri, ctx.issuer, allowed.state, params);
}
