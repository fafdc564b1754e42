/** OIDC Core §5.3: the UserInfo endpoint, read with the access token (RFC 6750 §2.1). */
import type { AuthorizationServerMetadata } from '../protocol/metadata';
import type { UserInfo } from '../protocol/responses';
import { InvalidResponseError, expectJsonObject } from './errors';
import { endpoint, resolveFetch, type RequestOptions } from './http';

export function userInfoRequest(
  metadata: AuthorizationServerMetadata,
  accessToken: string,
  options: RequestOptions = {},
): Promise<Response> {
  return resolveFetch(options)(endpoint(metadata, 'userinfo_endpoint'), {
    method: 'GET',
    headers: { ...options.headers, Accept: 'application/json', Authorization: `Bearer ${accessToken}` },
    redirect: 'manual',
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/**
 * Validates a UserInfo response. OIDC Core §5.3.2: `sub` is required, and it MUST equal the ID
 * token's `sub` (pass it as `expectedSubject`) or the response may be for someone else.
 * A 401 with `WWW-Authenticate: Bearer error="invalid_token"` throws `OAuthError('invalid_token')`.
 */
export async function processUserInfoResponse(response: Response, expectedSubject?: string): Promise<UserInfo> {
  const body = await expectJsonObject(response, 'userinfo');
  if (typeof body.sub !== 'string' || body.sub.length === 0) {
    throw new InvalidResponseError('Invalid userinfo response: "sub" must be a non-empty string.', { status: response.status, cause: body });
  }
  if (expectedSubject !== undefined && body.sub !== expectedSubject) {
    throw new InvalidResponseError('The userinfo "sub" does not match the ID token.', { status: response.status, cause: body });
  }
  return body as UserInfo;
}
