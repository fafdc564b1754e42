import { OAuthError, type UserInfo } from '@pairgate/shared';
import type { CoreContext } from '../context';
import { json, type OAuthResponse, type OAuthRequest } from '../http/types';
import { verifyAccessToken } from '../tokens/verify';

const REALM = 'Bearer realm="pairgate"';

/** OIDC Core §5.3: the signed-in person's claims, by bearer token (RFC 6750 §2.1 header only). */
export async function userinfoEndpoint(ctx: CoreContext, req: OAuthRequest): Promise<OAuthResponse> {
  const header = req.headers.authorization;
  const match = header ? /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header) : null;
  // RFC 6750 §3.1: a request with no credentials gets a bare challenge, no error code.
  if (!match?.[1]) return { status: 401, headers: { 'WWW-Authenticate': REALM }, body: { error: 'invalid_token', error_description: 'A bearer access token is required.' } };
  const claims = await verifyAccessToken(ctx, match[1]);
  const scope = claims.scope.split(' ');
  if (!scope.includes('openid')) {
    throw new OAuthError('insufficient_scope', 'The access token lacks the openid scope.', {
      headers: { 'WWW-Authenticate': `${REALM}, error="insufficient_scope", scope="openid"` },
    });
  }
  const user = await ctx.store.findUserById(claims.sub);
  if (!user) throw new OAuthError('invalid_token', 'The account no longer exists.', { headers: { 'WWW-Authenticate': `${REALM}, error="invalid_token"` } });
  const body: UserInfo = { sub: user.id };
  if (scope.includes('profile')) body.name = user.name;
  if (scope.includes('email')) Object.assign(body, { email: user.email, email_verified: true });
  return json(200, body, { 'Cache-Control': 'no-store' });
}
