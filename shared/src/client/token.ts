/**
 * Token endpoint requests (RFC 6749 §3.2) for the grants the device app uses, and one validator
 * for every successful token response (RFC 6749 §5.1).
 */
import { GrantType } from '../protocol/grant-types';
import type { AuthorizationServerMetadata } from '../protocol/metadata';
import type { TokenResponse } from '../protocol/responses';
import { expectJsonObject } from './errors';
import { FieldReader } from './fields';
import { endpoint, postForm, type OAuthClient, type RequestOptions } from './http';

/** RFC 8628 §3.4: poll for tokens with the device code. */
export function deviceCodeGrantRequest(
  metadata: AuthorizationServerMetadata,
  client: OAuthClient,
  deviceCode: string,
  options: RequestOptions = {},
): Promise<Response> {
  return postForm(endpoint(metadata, 'token_endpoint'), client, { grant_type: GrantType.DeviceCode, device_code: deviceCode }, options);
}

/** RFC 6749 §6; `scope` may only narrow the original grant. */
export function refreshTokenGrantRequest(
  metadata: AuthorizationServerMetadata,
  client: OAuthClient,
  refreshToken: string,
  options: RequestOptions & { scope?: string } = {},
): Promise<Response> {
  return postForm(
    endpoint(metadata, 'token_endpoint'),
    client,
    { grant_type: GrantType.RefreshToken, refresh_token: refreshToken, scope: options.scope },
    options,
  );
}

export interface AuthorizationCodeGrantParameters {
  code: string;
  /** RFC 6749 §4.1.3: identical to the one in the authorization request. */
  redirect_uri: string;
  /** RFC 7636 §4.5. */
  code_verifier: string;
}

/** RFC 6749 §4.1.3 + RFC 7636 §4.5: exchange an authorization code with its PKCE verifier. */
export function authorizationCodeGrantRequest(
  metadata: AuthorizationServerMetadata,
  client: OAuthClient,
  params: AuthorizationCodeGrantParameters,
  options: RequestOptions = {},
): Promise<Response> {
  return postForm(
    endpoint(metadata, 'token_endpoint'),
    client,
    { grant_type: GrantType.AuthorizationCode, code: params.code, redirect_uri: params.redirect_uri, code_verifier: params.code_verifier },
    options,
  );
}

/**
 * Validates a token response. Error answers (RFC 6749 §5.2, RFC 8628 §3.5 — including a 2xx
 * carrying `error`, which some device-flow servers send) throw `OAuthError`; a malformed success
 * throws `InvalidResponseError`.
 */
export async function processTokenResponse(response: Response): Promise<TokenResponse> {
  const body = await expectJsonObject(response, 'token');
  const read = new FieldReader(body, 'token', response.status);
  const access_token = read.requiredString('access_token');
  const token_type = read.requiredString('token_type');
  // RFC 6749 §7.1: token types compare case-insensitively. This client only knows how to
  // present bearer tokens (RFC 6750); a DPoP- or MAC-bound token would be unusable.
  if (token_type.toLowerCase() !== 'bearer') read.fail(`unsupported token_type "${token_type}".`);
  const expires_in = read.optionalSeconds('expires_in');
  const refresh_token = read.optionalString('refresh_token');
  const scope = read.optionalString('scope');
  const id_token = read.optionalString('id_token');
  return {
    access_token,
    token_type,
    ...(expires_in === undefined ? {} : { expires_in }),
    ...(refresh_token === undefined ? {} : { refresh_token }),
    ...(scope === undefined ? {} : { scope }),
    ...(id_token === undefined ? {} : { id_token }),
  };
}
