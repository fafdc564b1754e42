/**
 * Bounded label values for HTTP metrics. A label per raw path would give every mistyped or
 * probing URL its own time series (and an attacker a way to exhaust the scraper's memory), so a
 * path maps to one of a fixed set: the OAuth and API endpoints by their path, portal pages by
 * their group, Next.js assets as one, and everything else as `other`.
 */
const ENDPOINTS: ReadonlySet<string> = new Set([
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  '/.well-known/jwks.json',
  '/oauth/authorize',
  '/oauth/device/code',
  '/oauth/device/events',
  '/oauth/token',
  '/oauth/revoke',
  '/oauth/introspect',
  '/userinfo',
  '/api/devices',
  '/healthz',
  '/readyz',
]);

/** Page groups by their first path segment (`/activate/confirm` is `page:activate`). */
const PAGE_GROUPS: ReadonlySet<string> = new Set(['activate', 'login', 'logout', 'consent', 'account']);

export function routeOf(pathname: string): string {
  if (ENDPOINTS.has(pathname)) return pathname;
  if (pathname === '/') return 'page:home';
  if (pathname.startsWith('/_next/')) return 'assets';
  const first = pathname.split('/', 2)[1] ?? '';
  return PAGE_GROUPS.has(first) ? `page:${first}` : 'other';
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Node accepts some 30 methods (WebDAV's among them); the rare ones share one label. */
export function methodOf(method: string | undefined): string {
  return method && METHODS.has(method) ? method : 'other';
}
