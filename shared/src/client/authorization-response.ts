/**
 * The authorization response (RFC 6749 §4.1.2) as it reaches the client's redirect URI, checked
 * in the order that keeps a forged or mixed-up response from being acted on:
 *
 *   1. `iss` (RFC 9207 §2.4): equal to the issuer we sent the person to; required when the
 *      server says it always sends it (`authorization_response_iss_parameter_supported`).
 *   2. `state` (RFC 6749 §10.12): equal to the one we made, or this is not our request (CSRF).
 *   3. `error` (RFC 6749 §4.1.2.1): the server's answer, e.g. `access_denied`.
 *   4. `code`: present and alone.
 *
 * Only after 1 and 2 is an `error` believed: a response we cannot tie to our request says
 * nothing, not even "denied".
 */
import { OAuthError, isOAuthErrorCode } from '../protocol/errors';
import type { AuthorizationServerMetadata } from '../protocol/metadata';
import { timingSafeEqual } from '../timing-safe-equal';

/** Why this client refused an authorization response (as opposed to the server saying no). */
export type AuthorizationResponseErrorCode =
  /** `state` is missing or not ours (RFC 6749 §10.12). */
  | 'OAUTH_STATE_MISMATCH'
  /** `iss` is not the issuer we sent the person to (RFC 9207 §2.4: a mix-up attack). */
  | 'OAUTH_ISS_MISMATCH'
  /** `iss` is missing although the server says it always sends it (RFC 9207 §2.4). */
  | 'OAUTH_ISS_MISSING'
  /** No `code` (nor `error`), a repeated parameter, or both `code` and `error`. */
  | 'OAUTH_INVALID_AUTHORIZATION_RESPONSE';

/**
 * The client's own refusal of an authorization response. Its message never echoes the response
 * (which carries the code, and whatever an attacker put there).
 */
export class AuthorizationResponseError extends Error {
  override readonly name = 'AuthorizationResponseError';
  readonly code: AuthorizationResponseErrorCode;

  constructor(code: AuthorizationResponseErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface ValidateAuthorizationResponseOptions {
  /** The `state` sent in the authorization request. */
  state: string;
  /**
   * Require `iss` even when the metadata does not advertise it. Default: required exactly when
   * `metadata.authorization_response_iss_parameter_supported` is true (RFC 9207 §2.4).
   */
  requireIss?: boolean;
}

/** The parameters a response may carry at most once (RFC 6749 §3.1). */
const SINGLE = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri'] as const;

/**
 * Validates the callback URL of an authorization response and returns its code. Throws
 * `AuthorizationResponseError` when the response cannot be trusted, and `OAuthError` with the
 * server's code (`access_denied`, `login_required`, …) when it is a trustworthy error response.
 */
export function validateAuthorizationResponse(
  metadata: AuthorizationServerMetadata,
  callbackUrl: URL,
  options: ValidateAuthorizationResponseOptions,
): { code: string } {
  const params = callbackUrl.searchParams;
  for (const name of SINGLE) {
    if (params.getAll(name).length > 1) {
      throw new AuthorizationResponseError('OAUTH_INVALID_AUTHORIZATION_RESPONSE', `The authorization response repeats "${name}".`);
    }
  }
  // 1. RFC 9207 §2.4.
  const iss = params.get('iss');
  const requireIss = options.requireIss ?? metadata.authorization_response_iss_parameter_supported === true;
  if (iss === null) {
    if (requireIss) throw new AuthorizationResponseError('OAUTH_ISS_MISSING', 'The authorization response has no "iss", which this server always sends (RFC 9207).');
  } else if (iss !== metadata.issuer) {
    throw new AuthorizationResponseError('OAUTH_ISS_MISMATCH', 'The authorization response comes from a different issuer (RFC 9207).');
  }
  // 2. RFC 6749 §10.12; compared in constant time like any other secret.
  const state = params.get('state');
  if (state === null || options.state.length === 0 || !timingSafeEqual(state, options.state)) {
    throw new AuthorizationResponseError('OAUTH_STATE_MISMATCH', 'The authorization response does not belong to this sign-in ("state" does not match).');
  }
  // 3. RFC 6749 §4.1.2.1.
  const error = params.get('error');
  const code = params.get('code');
  if (error !== null) {
    if (code !== null) throw new AuthorizationResponseError('OAUTH_INVALID_AUTHORIZATION_RESPONSE', 'The authorization response has both "code" and "error".');
    const description = params.get('error_description') ?? undefined;
    const cause = { error, ...(description === undefined ? {} : { error_description: description }) };
    if (isOAuthErrorCode(error)) throw new OAuthError(error, description, { status: 400, cause });
    throw new OAuthError('server_error', `Unrecognised error code in the authorization response.`, { status: 400, cause });
  }
  // 4. RFC 6749 §4.1.2.
  if (code === null || code.length === 0) {
    throw new AuthorizationResponseError('OAUTH_INVALID_AUTHORIZATION_RESPONSE', 'The authorization response has no "code".');
  }
  return { code };
}
