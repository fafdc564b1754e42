/**
 * Where to go after signing in: only a path on this site. Anything else (another origin,
 * a protocol-relative `//host`, backslash tricks browsers read as `//`, dot segments that
 * collapse into `//host`, encoded variants of those, control characters) falls back to the
 * default, so the login form cannot be used as an open redirect (RFC 9700 §4.11).
 */
export const DEFAULT_AFTER_LOGIN = '/activate';

/**
 * Resolution base. Every candidate must be an absolute-path reference (RFC 3986 §4.2: one `/`
 * then a segment), and such a reference resolves to the base's origin whatever the base is, so
 * a placeholder stands for the issuer here; the tests check the outputs against real issuers.
 */
const BASE = 'http://portal.invalid';

export function safeNextPath(raw: string | null | undefined, fallback = DEFAULT_AFTER_LOGIN): string {
  // Long enough for an authorization request (PKCE challenge, state, nonce, redirect URI…).
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) return fallback;
  // One level of percent-decoding is what a browser or framework may apply before it resolves.
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return fallback;
  }
  for (const candidate of [raw, decoded]) {
    if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return fallback;
    // The URL parser drops tabs and newlines (WHATWG URL: "remove all ASCII tab or newline"),
    // which can join `/` and `/` into `//`; no real path has control characters or backslashes.
    if (/[\\\u0000-\u001f\u007f]/.test(candidate)) return fallback;
    // Decide on the URL after resolution, never on the string: RFC 3986 §5.2.4 removes dot
    // segments (`%2e` counts as `.`), so `/..//evil.example` resolves to the path
    // `//evil.example`, which in a Location header is a protocol-relative URL to another site.
    if (!isSameSitePath(resolve(candidate))) return fallback;
  }
  const url = resolve(raw);
  return url ? `${url.pathname}${url.search}` : fallback;
}

function resolve(path: string): URL | undefined {
  try {
    return new URL(path, BASE);
  } catch {
    return undefined;
  }
}

/** On our origin, and a path that stays an absolute-path reference when written back out. */
function isSameSitePath(url: URL | undefined): boolean {
  return url !== undefined && url.origin === BASE && !url.pathname.startsWith('//') && !url.pathname.startsWith('/\\');
}
