/**
 * Where to go after signing in: only a path on this site. Anything else (another origin,
 * a protocol-relative `//host`, backslash tricks browsers read as `//`, encoded variants of
 * those, control characters) falls back to the default, so the login form cannot be used as an
 * open redirect (RFC 9700 §4.11).
 */
export const DEFAULT_AFTER_LOGIN = '/activate';

export function safeNextPath(raw: string | null | undefined, fallback = DEFAULT_AFTER_LOGIN): string {
  // Long enough for an authorization request (PKCE challenge, state, nonce, redirect URI…).
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) return fallback;
  // One level of percent-decoding is what a browser may apply before it resolves the URL.
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return fallback;
  }
  for (const candidate of [raw, decoded]) {
    if (!candidate.startsWith('/')) return fallback;
    if (candidate.startsWith('//') || candidate.startsWith('/\\')) return fallback;
    if (/[\\\u0000-\u001f\u007f]/.test(candidate)) return fallback;
  }
  // Final check by resolution: it must stay on our origin.
  const base = 'http://portal.invalid';
  const url = new URL(raw, base);
  if (url.origin !== base) return fallback;
  return `${url.pathname}${url.search}`;
}
