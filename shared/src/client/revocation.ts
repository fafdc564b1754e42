/** RFC 7009: token revocation, used by "Sign out" on the device. */
import type { AuthorizationServerMetadata } from '../protocol/metadata';
import { responseError } from './errors';
import { endpoint, postForm, type OAuthClient, type RequestOptions } from './http';

export type TokenTypeHint = 'access_token' | 'refresh_token';

export function revocationRequest(
  metadata: AuthorizationServerMetadata,
  client: OAuthClient,
  token: string,
  hint?: TokenTypeHint,
  options: RequestOptions = {},
): Promise<Response> {
  return postForm(endpoint(metadata, 'revocation_endpoint'), client, { token, token_type_hint: hint }, options);
}

/**
 * RFC 7009 §2.2: 200 means revoked — also for a token the server did not know, so there is
 * nothing to return. Errors (§2.2.1) throw `OAuthError`; 503 means "try again later".
 */
export async function processRevocationResponse(response: Response): Promise<void> {
  if (!response.ok) throw await responseError(response);
  // Drain the body so the connection can be reused.
  await response.arrayBuffer();
}
