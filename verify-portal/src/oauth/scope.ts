import { oauthError, parseScope } from '@pairgate/shared';

/**
 * The scope of a request for a client (RFC 6749 §3.3): a missing scope means the client's
 * registered scopes; a malformed one, or one the client may not have, is `invalid_scope`.
 */
export function resolveScope(requested: string | undefined, allowed: readonly string[]): string[] {
  const scope = parseScope(requested);
  if (scope === undefined) throw oauthError.invalidScope('The scope parameter is malformed.');
  if (scope.length === 0) return [...allowed];
  const refused = scope.filter((s) => !allowed.includes(s));
  if (refused.length > 0) throw oauthError.invalidScope(`This client may not ask for: ${refused.join(' ')}.`);
  return scope;
}
