/**
 * The OAuth core's view of HTTP: a parsed request in, a plain result out. No framework types,
 * so endpoints are easy to test in-process and the same core runs behind Node's `http` (the
 * production path) or Fetch `Request`/`Response` (tests, other hosts).
 */
export interface OAuthRequest {
  method: string;
  /** Path only, e.g. `/oauth/token`. */
  path: string;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string | undefined>>;
  query: URLSearchParams;
  /** Parsed `application/x-www-form-urlencoded` body; undefined when there was none or of another type. */
  form: URLSearchParams | undefined;
  /** The peer address (or the first `X-Forwarded-For` hop when the proxy is trusted). */
  clientAddress: string;
}

export interface OAuthResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialized as JSON when present. */
  body?: unknown;
  /**
   * A complete HTML document, for the one case where a browser must see a page rather than
   * JSON or a redirect: an authorization request whose client or redirect URI cannot be
   * trusted (RFC 6749 §4.1.2.1). Never set together with `body`; the document carries its own
   * CSP in `headers` (see `authorization/error-page.ts`).
   */
  html?: string;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): OAuthResponse {
  return { status, headers, body };
}

/** RFC 6749 §5.1: token responses (and errors from the token endpoint) must not be cached. */
export const noStore = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/**
 * A front-channel redirect (authorization responses, sign-in, consent). 303 so a POSTed
 * authorization request is never re-POSTed to the target (RFC 9700 §4.12); never cached.
 */
export function redirectTo(location: string): OAuthResponse {
  return { status: 303, headers: { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } };
}
