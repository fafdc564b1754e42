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
