import { GrantType, OAuthError, oauthError, parseScope } from '@pairgate/shared';
import type { ClientRecord, Store } from '../../store/store';
import type { CoreContext } from '../context';
import { canonicalResponseType, responseTypeRegistry, type ResponseMode, type ResponseTypeSpec } from '../response-types';
import type { UntrustedReason } from './error-page';
import { matchRedirectUri } from './redirect-uri';

/** A validated authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1). */
export interface AuthorizationRequest {
  client: ClientRecord;
  /** Canonical `response_type` (see `response-types.ts`) and what it returns. */
  responseType: string;
  returns: ResponseTypeSpec;
  responseMode: ResponseMode;
  /** Exactly as sent; the code is bound to it and the token request must repeat it. */
  redirectUri: string;
  scope: string[];
  state: string | undefined;
  /** Always present when the response carries an ID token or access token (OIDC Core §3.2.2.1, §3.3.2.11). */
  nonce: string | undefined;
  /** S256 challenge (RFC 7636 §4.2); undefined for confidential clients that sent none and when no code is issued. */
  codeChallenge: string | undefined;
  prompt: ReadonlySet<Prompt>;
  /** Seconds (OIDC Core §3.1.2.1 `max_age`). */
  maxAge: number | undefined;
  loginHint: string | undefined;
}

/** OIDC Core §3.1.2.1 `prompt` values this server honours. */
export type Prompt = 'none' | 'login' | 'consent';
const PROMPTS: ReadonlySet<string> = new Set<Prompt>(['none', 'login', 'consent']);

/**
 * The client or redirect URI cannot be trusted: RFC 6749 §4.1.2.1 says to tell the person and
 * NOT redirect to the (unverified) URI.
 */
export class UntrustedAuthorizationRequest extends Error {
  override readonly name = 'UntrustedAuthorizationRequest';
  constructor(readonly reason: UntrustedReason) {
    super(reason);
  }
}

/** Where errors may be sent once client and redirect URI are known good. */
export interface RedirectTarget {
  client: ClientRecord;
  redirectUri: string;
  /** Echoed in every response, error or not (RFC 6749 §4.1.2, §4.1.2.1). */
  state: string | undefined;
}

/** RFC 7636 §4.2: a base64url SHA-256 digest is exactly 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_LOGIN_HINT = 254;

/**
 * Step 1: the client and its redirect URI. Until both check out nothing may be redirected
 * anywhere, so every failure here is an `UntrustedAuthorizationRequest`.
 */
export async function resolveRedirectTarget(store: Store, params: URLSearchParams): Promise<RedirectTarget> {
  const clientIds = params.getAll('client_id');
  if (clientIds.length > 1) throw new UntrustedAuthorizationRequest('malformed');
  const clientId = clientIds[0];
  if (!clientId) throw new UntrustedAuthorizationRequest('missing-client');
  const client = await store.findClient(clientId);
  if (!client) throw new UntrustedAuthorizationRequest('unknown-client');

  // OIDC Core §3.1.2.1 and RFC 9700 §2.1: redirect_uri is always required and matched exactly
  // (RFC 8252 §7.3: any port for a registered loopback URI).
  const uris = params.getAll('redirect_uri');
  if (uris.length > 1) throw new UntrustedAuthorizationRequest('malformed');
  const redirectUri = uris[0];
  if (!redirectUri) throw new UntrustedAuthorizationRequest('missing-redirect-uri');
  if (!matchRedirectUri(redirectUri, client.redirectUris)) throw new UntrustedAuthorizationRequest('bad-redirect-uri');

  const states = params.getAll('state');
  // A repeated state cannot be echoed "exactly"; the error below then goes without one.
  return { client, redirectUri, state: states.length === 1 && states[0] !== '' ? states[0] : undefined };
}

/**
 * Step 2: everything else. Failures are `OAuthError`s that go back to the client by redirect
 * (RFC 6749 §4.1.2.1).
 */
export function validateAuthorizationRequest(ctx: CoreContext, target: RedirectTarget, params: URLSearchParams): AuthorizationRequest {
  const { client } = target;
  // RFC 6749 §3.1: parameters must not be repeated.
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1) throw oauthError.invalidRequest(`The ${name} parameter must not be repeated.`);
  }
  const get = (name: string): string | undefined => params.get(name) || undefined;

  // OIDC Core §6: request objects are not supported.
  if (get('request') !== undefined || get('request_uri') !== undefined) {
    throw oauthError.invalidRequest('Request objects (request, request_uri) are not supported.');
  }
  // RFC 6749 §3.1.1: unknown or unsupported types are unsupported_response_type; a supported
  // one this client has not enabled is unauthorized_client (§4.1.2.1, §4.2.2.1).
  const requestedType = get('response_type');
  if (requestedType === undefined) throw oauthError.invalidRequest('The response_type parameter is required.');
  const responseType = canonicalResponseType(requestedType);
  const returns = responseType === undefined ? undefined : responseTypeRegistry[responseType];
  if (responseType === undefined || !returns) throw new OAuthError('unsupported_response_type', `response_type=${requestedType} is not supported.`);
  if (!client.responseTypes.includes(responseType)) {
    throw oauthError.unauthorizedClient(`This client may not use response_type=${responseType}.`);
  }
  if (returns.code && !client.grantTypes.includes(GrantType.AuthorizationCode)) {
    throw oauthError.unauthorizedClient('This client may not use the authorization code flow.');
  }
  const responseMode = requestedResponseMode(params);
  if (responseMode === undefined && returns.modeRequired) {
    // Tokens never travel in a URL: these types are answered by form post only.
    throw oauthError.invalidRequest(`response_type=${responseType} needs response_mode=form_post.`);
  }
  if (responseMode !== undefined && !returns.modes.includes(responseMode as ResponseMode)) {
    throw oauthError.invalidRequest(`response_type=${responseType} may only be answered with response_mode=${returns.modes.join(' or ')}.`);
  }
  const mode = (responseMode ?? returns.modes[0]) as ResponseMode;

  // RFC 6749 §3.3: within what the client is registered for.
  const scope = parseScope(get('scope'));
  if (scope === undefined) throw oauthError.invalidScope('The scope parameter is malformed.');
  if (scope.length === 0) throw oauthError.invalidScope('The scope parameter is required.');
  const notAllowed = scope.filter((s) => !client.scopes.includes(s));
  if (notAllowed.length > 0) throw oauthError.invalidScope(`This client may not ask for: ${notAllowed.join(' ')}.`);
  // OIDC Core §3.2.2.1, §3.3.2.1: an ID token is only issued to an OpenID Connect request.
  if (returns.idToken && !scope.includes('openid')) throw oauthError.invalidRequest(`response_type=${responseType} needs the openid scope.`);
  // OIDC Core §11: offline_access only means something when a code (and so a refresh token) follows.
  const granted = returns.code ? scope : scope.filter((s) => s !== 'offline_access');
  if (granted.length === 0) throw oauthError.invalidScope('The scope parameter is required.');

  // RFC 7636 §4.4.1 with RFC 9700 §2.1.1: S256 only; public clients must use PKCE, and so must
  // confidential ones registered with requirePkce. Without a code there is nothing to bind.
  const challenge = returns.code ? get('code_challenge') : undefined;
  const method = returns.code ? get('code_challenge_method') : undefined;
  if (challenge === undefined) {
    if (method !== undefined) throw oauthError.invalidRequest('code_challenge_method was sent without code_challenge.');
    if (returns.code && (client.type === 'public' || client.requirePkce)) {
      throw oauthError.invalidRequest('PKCE is required: send code_challenge with code_challenge_method=S256.');
    }
  } else {
    // An absent method means `plain` (RFC 7636 §4.3), which is refused like an explicit one.
    if (method !== 'S256') throw oauthError.invalidRequest('code_challenge_method must be S256; plain is not accepted.');
    if (!S256_CHALLENGE.test(challenge)) throw oauthError.invalidRequest('code_challenge must be a base64url SHA-256 digest (43 characters).');
  }

  const nonce = get('nonce');
  // OIDC Core §3.2.2.1 and §3.3.2.11: nonce is REQUIRED whenever tokens come straight from this
  // endpoint (the client's only defence against a replayed ID token).
  if (nonce === undefined && (returns.idToken || returns.token)) throw oauthError.invalidRequest(`response_type=${responseType} needs a nonce.`);
  if ((target.state?.length ?? 0) > ctx.settings.maxStateLength || (nonce?.length ?? 0) > ctx.settings.maxStateLength) {
    throw oauthError.invalidRequest('state or nonce is too long.');
  }

  // OIDC Core §3.1.2.1: prompt is a space-delimited list; `none` stands alone.
  const prompt = new Set<Prompt>();
  for (const value of (get('prompt') ?? '').split(' ').filter(Boolean)) {
    if (!PROMPTS.has(value)) throw oauthError.invalidRequest(`prompt=${value} is not supported.`);
    prompt.add(value as Prompt);
  }
  if (prompt.has('none') && prompt.size > 1) throw oauthError.invalidRequest('prompt=none cannot be combined with other values.');

  const maxAgeText = get('max_age');
  let maxAge: number | undefined;
  if (maxAgeText !== undefined) {
    if (!/^\d{1,10}$/.test(maxAgeText)) throw oauthError.invalidRequest('max_age must be a whole number of seconds.');
    maxAge = Number(maxAgeText);
  }
  const loginHint = get('login_hint')?.trim().slice(0, MAX_LOGIN_HINT) || undefined;

  return {
    client,
    responseType,
    returns,
    responseMode: mode,
    redirectUri: target.redirectUri,
    scope: granted,
    state: target.state,
    nonce,
    codeChallenge: challenge,
    prompt,
    maxAge,
    loginHint,
  };
}

/** `response_mode` as sent, if it was sent once (repeats are refused later with everything else). */
function requestedResponseMode(params: URLSearchParams): string | undefined {
  const modes = params.getAll('response_mode');
  return modes.length === 1 && modes[0] !== '' ? modes[0] : undefined;
}

/**
 * How to answer an error before (or while) the request is validated: by form post when the
 * client asked for it, or when its response_type is one that is only ever answered by form post
 * (the client then listens for a POST, and query/fragment are never used for those). Otherwise
 * the RFC 6749 §4.1.2.1 query redirect.
 */
export function errorResponseMode(params: URLSearchParams): ResponseMode {
  if (requestedResponseMode(params) === 'form_post') return 'form_post';
  const types = params.getAll('response_type');
  const canonical = types.length === 1 && types[0] ? canonicalResponseType(types[0]) : undefined;
  const spec = canonical === undefined ? undefined : responseTypeRegistry[canonical];
  return spec?.modeRequired ? 'form_post' : 'query';
}
