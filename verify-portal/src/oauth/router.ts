import { OAuthError, toErrorResponse } from '@pairgate/shared';
import type { CoreContext } from './context';
import { authorizeEndpoint } from './endpoints/authorize';
import { deviceAuthorizationEndpoint } from './endpoints/device-authorization';
import { discoveryEndpoint } from './endpoints/discovery';
import { introspectionEndpoint } from './endpoints/introspection';
import { jwksEndpoint } from './endpoints/jwks';
import { revocationEndpoint } from './endpoints/revocation';
import { tokenEndpoint } from './endpoints/token';
import { userinfoEndpoint } from './endpoints/userinfo';
import { noStore, type OAuthRequest, type OAuthResponse } from './http/types';
import { isStoreUnavailable } from '../store/unavailable';
import { databaseUnavailable } from './unavailable';

type Endpoint = (ctx: CoreContext, req: OAuthRequest, onUnexpected: (err: unknown) => void) => Promise<OAuthResponse>;

interface Route {
  methods: readonly string[];
  endpoint: Endpoint;
  /** A browser navigation target (front channel), not an API: no CORS headers. */
  frontChannel?: boolean;
}

/** Every path the OAuth core answers, with the methods it allows there. */
const routes: Readonly<Record<string, Route>> = {
  // OIDC Core §3.1.2.1: GET and POST.
  '/oauth/authorize': { methods: ['GET', 'POST'], endpoint: authorizeEndpoint, frontChannel: true },
  '/.well-known/openid-configuration': { methods: ['GET'], endpoint: discoveryEndpoint },
  '/.well-known/oauth-authorization-server': { methods: ['GET'], endpoint: discoveryEndpoint },
  '/.well-known/jwks.json': { methods: ['GET'], endpoint: jwksEndpoint },
  '/oauth/device/code': { methods: ['POST'], endpoint: deviceAuthorizationEndpoint },
  '/oauth/token': { methods: ['POST'], endpoint: tokenEndpoint },
  '/oauth/revoke': { methods: ['POST'], endpoint: revocationEndpoint },
  // RFC 7662 §2.1: POST only (the token must not travel in a URL).
  '/oauth/introspect': { methods: ['POST'], endpoint: introspectionEndpoint },
  '/userinfo': { methods: ['GET', 'POST'], endpoint: userinfoEndpoint },
};

/** Whether the custom server should hand this path to the core instead of Next.js. */
export function isCorePath(path: string): boolean {
  return Object.hasOwn(routes, path) || path.startsWith('/oauth/') || path.startsWith('/.well-known/');
}

/**
 * CORS for every OAuth endpoint: kiosks on TV web runtimes are web pages on their own origin.
 * Safe with `*` because no endpoint here uses cookies or ambient credentials: clients send
 * their credentials explicitly (form parameters, Authorization header).
 */
const cors = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'WWW-Authenticate, Retry-After',
} as const;

/**
 * Dispatches a parsed request. Whatever goes wrong comes back as an OAuth error body with the
 * right status: 404/405 for unknown paths and methods, 503 `temporarily_unavailable` while the
 * database is away, `server_error` (no internals) for bugs.
 */
export async function route(ctx: CoreContext, req: OAuthRequest, onUnexpected: (err: unknown) => void): Promise<OAuthResponse> {
  const response = await dispatch(ctx, req, onUnexpected);
  if (Object.hasOwn(routes, req.path) && routes[req.path]?.frontChannel) return response;
  return { ...response, headers: { ...response.headers, ...cors } };
}

async function dispatch(ctx: CoreContext, req: OAuthRequest, onUnexpected: (err: unknown) => void): Promise<OAuthResponse> {
  const entry = Object.hasOwn(routes, req.path) ? routes[req.path] : undefined;
  if (!entry) return { status: 404, headers: {}, body: { error: 'invalid_request', error_description: 'No such endpoint.' } };
  // HEAD mirrors GET for the APIs, never for a front-channel page: a link previewer's HEAD
  // must not sign anyone in (at /oauth/authorize it would issue a code).
  const methods = entry.methods.includes('GET') && !entry.frontChannel ? [...entry.methods, 'HEAD'] : entry.methods;
  if (req.method === 'OPTIONS') {
    // CORS preflight, e.g. for userinfo's Authorization header.
    return {
      status: 204,
      headers: {
        'Access-Control-Allow-Methods': methods.join(', '),
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
      },
    };
  }
  if (!methods.includes(req.method)) {
    return {
      status: 405,
      headers: { Allow: methods.join(', ') },
      body: { error: 'invalid_request', error_description: `Use ${entry.methods.join(' or ')} for this endpoint.` },
    };
  }
  try {
    return await entry.endpoint(ctx, req, onUnexpected);
  } catch (thrown) {
    // The store logs an outage once; every request during it is answered 503, not logged.
    const unavailable = isStoreUnavailable(thrown);
    if (!unavailable && (!(thrown instanceof OAuthError) || thrown.error === 'server_error')) onUnexpected(thrown);
    const { status, headers, body } = toErrorResponse(unavailable ? databaseUnavailable(thrown) : thrown);
    // Token-endpoint errors must not be cached either (RFC 6749 §5.1).
    return { status, headers: { ...headers, ...noStore }, body };
  }
}
