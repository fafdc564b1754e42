import type { OAuthError } from '@pairgate/shared';
import { redirectTo, type OAuthResponse } from '../http/types';
import type { ResponseMode } from '../response-types';
import { formPostResponse } from './form-post';

/**
 * The authorization response URL (RFC 6749 §4.1.2, §4.1.2.1): the registered redirect URI with
 * its own query kept, plus the response parameters, `state` echoed exactly, and `iss`
 * (RFC 9207 §2) on every response, success or error, so the client can tell which server
 * answered (mix-up defence).
 */
export function authorizationResponseUrl(redirectUri: string, issuer: string, state: string | undefined, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of responseParams(issuer, state, params)) url.searchParams.append(name, value);
  return url.href;
}

/**
 * The authorization response in the mode the request asked for: a 303 to the redirect URI with
 * the parameters in its query, or (Form Post Response Mode §2) a page that POSTs them there.
 * The same parameters either way, `state` and `iss` (RFC 9207 §2) included.
 */
export function authorizationResponse(mode: ResponseMode, redirectUri: string, issuer: string, state: string | undefined, params: Record<string, string>): OAuthResponse {
  switch (mode) {
    case 'query':
      return redirectTo(authorizationResponseUrl(redirectUri, issuer, state, params));
    case 'form_post':
      return formPostResponse(redirectUri, responseParams(issuer, state, params));
  }
}

/** An error response (RFC 6749 §4.1.2.1, §4.2.2.1) in the given mode. */
export function authorizationErrorResponse(mode: ResponseMode, redirectUri: string, issuer: string, state: string | undefined, error: OAuthError): OAuthResponse {
  return authorizationResponse(mode, redirectUri, issuer, state, errorParams(error));
}

function responseParams(issuer: string, state: string | undefined, params: Record<string, string>): [string, string][] {
  const all = Object.entries(params);
  if (state !== undefined) all.push(['state', state]);
  all.push(['iss', issuer]);
  return all;
}

function errorParams(error: OAuthError): Record<string, string> {
  const params: Record<string, string> = { error: error.error };
  // RFC 6749 §4.1.2.1: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
  const description = error.expose ? error.description?.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '') : undefined;
  if (description) params.error_description = description;
  return params;
}
