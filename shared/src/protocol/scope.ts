/**
 * RFC 6749 §3.3: a scope is a space-delimited list of case-sensitive strings made of
 * %x21 / %x23-5B / %x5D-7E. Order and duplicates carry no meaning.
 */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Parses a scope string into unique tokens, or returns `undefined` if any token is malformed. */
export function parseScope(scope: string | undefined | null): string[] | undefined {
  if (scope === undefined || scope === null) return [];
  const tokens = scope.split(' ').filter((t) => t.length > 0);
  if (!tokens.every((t) => SCOPE_TOKEN.test(t))) return undefined;
  return [...new Set(tokens)];
}

export function formatScope(tokens: Iterable<string>): string {
  return [...new Set(tokens)].join(' ');
}

export function hasScope(scope: string | readonly string[], wanted: string): boolean {
  if (wanted.length === 0) return false; // '' is not a scope token, even though ''.split(' ') yields it
  const tokens = typeof scope === 'string' ? scope.split(' ') : scope;
  return tokens.includes(wanted);
}

/** Well-known scopes with a protocol meaning. */
export const Scope = {
  OpenId: 'openid',
  Profile: 'profile',
  Email: 'email',
  OfflineAccess: 'offline_access',
} as const;
