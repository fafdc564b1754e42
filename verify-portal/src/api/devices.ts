/**
 * GET /api/devices — the example protected API ("call an API" for every flow): the signed-in
 * person's devices and apps, i.e. their active grants (app, device name and model, when it was
 * approved, when it was last used). Never a token, a code or a grant's secrets.
 *
 * A resource server like any other: it checks the bearer token with `verifyAccessToken` from
 * @pairgate/shared (RFC 9068 §4: typ `at+jwt`, signature against the issuer's keys, `iss`, `exp`,
 * `aud` = this API's identifier; the scope below) and answers failures in RFC 6750 §3 terms with
 * a `WWW-Authenticate` challenge. It runs in the portal's process, so it reads the key ring
 * directly instead of fetching the JWKS, and it also refuses tokens of a sign-in that has since
 * been signed out (the grant named by `sid`) — a plain JWT check cannot know that.
 *
 * Framework-free like the OAuth core (the custom server routes it before Next.js), on the same
 * request/response types, so it is tested in-process through the Fetch adapter.
 */
import { oauthError, OAuthError, quotedString, toErrorResponse, verifyAccessToken } from '@pairgate/shared';
import type { JSONWebKeySet } from 'jose';
import type { Store } from '../store/store';
import { json, type OAuthRequest, type OAuthResponse } from '../oauth/http/types';

/**
 * The API's identifier (Auth0's "API identifier"; RFC 8707 `resource` / `audience`): a fixed
 * URN rather than a URL on the issuer, so it survives an issuer change and the admin CLI can
 * register clients for it without knowing the public URL. Access tokens must carry it in `aud`.
 */
export const DEVICES_API = {
  path: '/api/devices',
  audience: 'urn:pairgate:api:devices',
  /** The scope a token needs to list the person's devices. */
  scope: 'devices:read',
} as const;

export interface DevicesApiOptions {
  store: Store;
  issuer: string;
  /** The issuer's current public keys (the in-process key ring: `provider.keys.jwks()`). */
  jwks(): Promise<JSONWebKeySet>;
  now?: () => number;
  /** Where unexpected errors go (never to the caller); default: dropped. */
  onUnexpected?: (err: unknown) => void;
}

/** One entry of the answer. */
export interface DeviceEntry {
  /** The grant id: what "sign out this device" on the portal acts on. */
  id: string;
  app: { clientId: string; name: string };
  deviceName: string | null;
  deviceModel: string | null;
  /** ISO 8601: when the person approved the sign-in. */
  approvedAt: string;
  /** ISO 8601, or null if it never came back for a token since. */
  lastUsedAt: string | null;
  /** Whether this is the sign-in whose token made the request. */
  current: boolean;
}

/**
 * CORS (Fetch standard §3.2): kiosks on TV web runtimes call this from their own origin. `*` is
 * safe because the API uses no cookies or other ambient credentials: the bearer token is sent
 * explicitly, so another site's page cannot make a request on the person's behalf.
 */
const cors = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'WWW-Authenticate',
} as const;

/** RFC 6750 §3: the challenge that goes with a refusal of a token that verified but is no longer good. */
const revoked = (realm: string) => {
  const description = 'This sign-in has been signed out.';
  return new OAuthError('invalid_token', description, {
    status: 401,
    headers: { 'WWW-Authenticate': `Bearer realm=${quotedString(realm)}, error="invalid_token", error_description=${quotedString(description)}` },
  });
};

export function createDevicesApi(options: DevicesApiOptions): (req: OAuthRequest) => Promise<OAuthResponse> {
  const now = options.now ?? Date.now;
  const realm = DEVICES_API.audience;

  async function serve(req: OAuthRequest): Promise<OAuthResponse> {
    if (req.method === 'OPTIONS') {
      return { status: 204, headers: { 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': 'Authorization', 'Access-Control-Max-Age': '600' } };
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return json(405, { error: 'invalid_request', error_description: 'Use GET for this API.' }, { Allow: 'GET, HEAD' });
    }
    // RFC 6750 §2.3: a token in the query is never accepted (it would end up in logs).
    if (req.query.has('access_token')) throw oauthError.invalidRequest('Send the access token in the Authorization header, never in the URL.');

    const check = await verifyAccessToken(req.headers.authorization, {
      issuer: options.issuer,
      audience: DEVICES_API.audience,
      jwks: await options.jwks(),
      requiredScopes: [DEVICES_API.scope],
      realm,
      algorithms: ['ES256'],
      currentDate: new Date(now()),
    });
    if (!check.ok) throw check.error;
    // A client's own token (client credentials) names no person, so it has no devices to list.
    const { sid, sub } = check.claims;
    if (typeof sid !== 'string') throw revoked(realm);
    const grant = await options.store.findGrant(sid);
    if (!grant || grant.revokedAt !== null || grant.userId !== sub) throw revoked(realm);

    const grants = await options.store.listActiveGrants(sub);
    const names = new Map<string, string>();
    for (const clientId of new Set(grants.map((g) => g.clientId))) {
      names.set(clientId, (await options.store.findClient(clientId))?.name ?? clientId);
    }
    const devices: DeviceEntry[] = grants.map((g) => ({
      id: g.id,
      app: { clientId: g.clientId, name: names.get(g.clientId) ?? g.clientId },
      deviceName: g.deviceName,
      deviceModel: g.deviceModel,
      approvedAt: new Date(g.createdAt).toISOString(),
      lastUsedAt: g.lastUsedAt === null ? null : new Date(g.lastUsedAt).toISOString(),
      current: g.id === sid,
    }));
    // Personal data: never cached by a shared cache (RFC 9111 §5.2.2.5).
    return json(200, { devices }, { 'Cache-Control': 'no-store' });
  }

  return async (req) => {
    let response: OAuthResponse;
    try {
      response = await serve(req);
    } catch (thrown) {
      // Anything unexpected is a bare server_error, no internals (toErrorResponse).
      if (!(thrown instanceof OAuthError)) options.onUnexpected?.(thrown);
      const { status, headers, body } = toErrorResponse(thrown);
      response = { status, headers: { ...headers, 'Cache-Control': 'no-store' }, body };
    }
    return { ...response, headers: { ...response.headers, ...cors } };
  };
}
