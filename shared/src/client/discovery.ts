/**
 * Authorization server discovery: OIDC Discovery 1.0 §4 first, then RFC 8414 §3, so the device
 * app works with any RFC 8628 server, OpenID provider or not.
 */
import { checkIssuer } from '../protocol/issuer';
import type { AuthorizationServerMetadata } from '../protocol/metadata';
import { InvalidResponseError, isJsonObject, readJsonBody, responseError } from './errors';
import { resolveFetch, type RequestOptions } from './http';

/** Metadata fields that, when present, must be URLs (RFC 8414 §2). */
const URL_FIELDS = [
  'authorization_endpoint',
  'token_endpoint',
  'device_authorization_endpoint',
  'revocation_endpoint',
  'introspection_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
] as const;

// Not URL.canParse: older TV web runtimes lack it.
function isUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function parseIssuer(issuer: string): URL {
  const check = checkIssuer(issuer);
  // Not echoed: it may carry a password.
  if (!check.ok) throw new TypeError(`The issuer ${check.problem}.`);
  return check.url;
}

/** OIDC Discovery §4.1 appends the well-known path to the issuer, path included. */
export function openIdConfigurationUrl(issuer: string): string {
  const url = parseIssuer(issuer);
  return `${url.origin}${url.pathname.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/** RFC 8414 §3.1 inserts the well-known path between the host and the issuer's path. */
export function oauthAuthorizationServerUrl(issuer: string): string {
  const url = parseIssuer(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

function get(url: string, options: RequestOptions): Promise<Response> {
  return resolveFetch(options)(url, {
    method: 'GET',
    headers: { ...options.headers, Accept: 'application/json' },
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

function validate(body: Record<string, unknown>, issuer: string, status: number): AuthorizationServerMetadata {
  // RFC 8414 §3.3 / OIDC Discovery §4.3: the document's issuer MUST be identical to the one
  // we asked about, or an attacker's document could stand in for the real server.
  if (body.issuer !== issuer) {
    throw new InvalidResponseError(
      `The metadata issuer ${JSON.stringify(body.issuer)} does not match the requested issuer ${JSON.stringify(issuer)}.`,
      { status, cause: body },
    );
  }
  for (const field of URL_FIELDS) {
    const value = body[field];
    if (value !== undefined && (typeof value !== 'string' || !isUrl(value))) {
      throw new InvalidResponseError(`The metadata field ${field} is not a URL.`, { status, cause: body });
    }
  }
  return body as AuthorizationServerMetadata;
}

/**
 * Fetches and validates the metadata of `issuer`. Falls back to the RFC 8414 document when the
 * OpenID document is missing (4xx) or is not JSON (a web app answering every path with HTML).
 * A 5xx or a mismatched issuer is not a reason to fall back: it throws.
 */
export async function discover(issuer: string, options: RequestOptions = {}): Promise<AuthorizationServerMetadata> {
  const first = await get(openIdConfigurationUrl(issuer), options);
  if (first.ok) {
    const body = await readJsonBody(first);
    if (isJsonObject(body)) return validate(body, issuer, first.status);
  } else if (first.status >= 500) {
    throw await responseError(first);
  }

  const second = await get(oauthAuthorizationServerUrl(issuer), options);
  if (!second.ok) throw await responseError(second);
  const body = await readJsonBody(second);
  if (!isJsonObject(body)) {
    throw new InvalidResponseError('The authorization server metadata is not a JSON object.', {
      status: second.status,
      cause: body,
    });
  }
  return validate(body, issuer, second.status);
}
