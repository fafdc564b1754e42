import type { OAuthError } from '@pairgate/shared';

/**
 * The authorization response URL (RFC 6749 §4.1.2, §4.1.2.1): the registered redirect URI with
 * its own query kept, plus the response parameters, `state` echoed exactly, and `iss`
 * (RFC 9207 §2) on every response, success or error, so the client can tell which server
 * answered (mix-up defence).
 */
export function authorizationResponseUrl(redirectUri: string, issuer: string, state: string | undefined, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  if (state !== undefined) url.searchParams.append('state', state);
  url.searchParams.append('iss', issuer);
  return url.href;
}

/** An error for the client (RFC 6749 §4.1.2.1): `error` and, when it may be shown, `error_description`. */
export function errorResponseUrl(redirectUri: string, issuer: string, state: string | undefined, error: OAuthError): string {
  const params: Record<string, string> = { error: error.error };
  // RFC 6749 §4.1.2.1: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
  const description = error.expose ? error.description?.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '') : undefined;
  if (description) params.error_description = description;
  return authorizationResponseUrl(redirectUri, issuer, state, params);
}
