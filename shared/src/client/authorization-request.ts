/**
 * The authorization request (RFC 6749 §4.1.1) as a URL for the browser: `response_type=code`
 * with PKCE (RFC 7636 §4.3, S256 only) and the OpenID Connect parameters a native app sends
 * (OIDC Core §3.1.2.1: `nonce`, `prompt`, `login_hint`, `max_age`). Building it needs no network;
 * the caller opens it in the system browser (RFC 8252 §6) and validates what comes back with
 * `validateAuthorizationResponse`.
 */
import type { AuthorizationServerMetadata } from '../protocol/metadata';
import { CODE_CHALLENGE_METHOD } from '../pkce';
import { endpoint, type OAuthClient } from './http';

export interface AuthorizationUrlParameters {
  /** RFC 8252 §7.3: for a native app, `http://127.0.0.1:<port>/<path>` of its loopback listener. */
  redirect_uri: string;
  /** Space-delimited (RFC 6749 §3.3). */
  scope: string;
  /** RFC 6749 §10.12: an unguessable value bound to this request, checked on the way back. */
  state: string;
  /** OIDC Core §3.1.2.1: carried into the ID token; binds the token to this request. */
  nonce: string;
  /** RFC 7636 §4.2: BASE64URL(SHA256(code_verifier)). */
  code_challenge: string;
  /** RFC 7636 §4.3; only S256 (RFC 9700 §2.1.1: `plain` protects nothing once the request is seen). */
  code_challenge_method: typeof CODE_CHALLENGE_METHOD;
  /** OIDC Core §3.1.2.1: e.g. `login` to force a fresh sign-in, `none` for a silent check. */
  prompt?: string;
  /** OIDC Core §3.1.2.1: prefills the sign-in form. */
  login_hint?: string;
  /** OIDC Core §3.1.2.1: seconds since the last active sign-in beyond which the person signs in again. */
  max_age?: number;
}

/**
 * The authorization URL: the server's `authorization_endpoint` with the request parameters
 * added to whatever query it already has (RFC 6749 §3.1: the endpoint URI may carry a query,
 * which must be kept). Only `code` is ever asked for: no implicit tokens in a URL (RFC 9700 §2.1.2).
 */
export function buildAuthorizationUrl(metadata: AuthorizationServerMetadata, client: OAuthClient, params: AuthorizationUrlParameters): URL {
  const url = new URL(endpoint(metadata, 'authorization_endpoint'));
  if (params.code_challenge_method !== CODE_CHALLENGE_METHOD) {
    throw new TypeError('code_challenge_method must be S256 (RFC 7636 §4.3, RFC 9700 §2.1.1).');
  }
  for (const [name, value] of [
    ['state', params.state],
    ['nonce', params.nonce],
    ['code_challenge', params.code_challenge],
    ['redirect_uri', params.redirect_uri],
  ] as const) {
    if (value.length === 0) throw new TypeError(`${name} must not be empty.`);
  }
  if (params.max_age !== undefined && (!Number.isInteger(params.max_age) || params.max_age < 0)) {
    throw new TypeError('max_age must be a whole, non-negative number of seconds.');
  }
  const query = url.searchParams;
  // RFC 6749 §3.1: request parameters must not be repeated; ours replace any the endpoint had.
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) query.set(name, value);
  };
  set('response_type', 'code');
  set('client_id', client.client_id);
  set('redirect_uri', params.redirect_uri);
  set('scope', params.scope);
  set('state', params.state);
  set('nonce', params.nonce);
  set('code_challenge', params.code_challenge);
  set('code_challenge_method', params.code_challenge_method);
  set('prompt', params.prompt);
  set('login_hint', params.login_hint);
  set('max_age', params.max_age === undefined ? undefined : String(params.max_age));
  return url;
}
