import { oauthError } from '@pairgate/shared';
import type { ClientRecord } from '../store/store';
import { param } from './http/params';

/**
 * The APIs a token request asks for: RFC 8707 §2 `resource` (absolute URIs without a fragment;
 * may repeat) or Auth0's `audience` (one value), not both. Each must be one of the client's
 * `allowedAudiences`; anything else is `invalid_target` (RFC 8707 §2). Empty when neither was
 * sent.
 */
export function requestedAudiences(params: URLSearchParams, client: ClientRecord): string[] {
  const resources = params.getAll('resource').filter((r) => r !== '');
  const audience = param(params, 'audience');
  if (audience !== undefined && resources.length > 0) throw oauthError.invalidRequest('Send audience or resource, not both.');
  for (const resource of resources) {
    // RFC 8707 §2: "MUST be an absolute URI … MUST NOT include a fragment component".
    if (!URL.canParse(resource) || resource.includes('#')) throw oauthError.invalidTarget('resource must be an absolute URI without a fragment.');
  }
  const wanted = [...new Set(audience !== undefined ? [audience] : resources)];
  const refused = wanted.filter((a) => !client.allowedAudiences.includes(a));
  if (refused.length > 0) throw oauthError.invalidTarget(`This client may not get tokens for: ${refused.join(' ')}.`);
  return wanted;
}

/**
 * The APIs a person's access token is for, besides this server (RFC 8707 §2, RFC 9068 §3): the
 * ones the token request names with `resource` / `audience` (each checked as above, so a
 * refresh can narrow the token to one API), or by default every API the client is registered
 * for (`allowedAudiences`) — a client registered for an API gets tokens it can call it with,
 * without having to know about resource indicators. Which operations the API allows is still
 * up to the scopes granted.
 */
export function apiAudiences(params: URLSearchParams, client: ClientRecord): string[] {
  const requested = requestedAudiences(params, client);
  return requested.length > 0 ? requested : [...client.allowedAudiences];
}

/** The `aud` of a person's access token: this server first (userinfo), then the APIs, once each. */
export function personAudience(issuer: string, apis: readonly string[]): string[] {
  return [issuer, ...apis.filter((a) => a !== issuer)];
}
