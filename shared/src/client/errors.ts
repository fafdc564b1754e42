/**
 * How the client steps turn an HTTP response that is not a success into an error.
 *
 * - Non-2xx with an OAuth error body (RFC 6749 §5.2) → `OAuthError` with the server's `error`,
 *   `error_description`, the HTTP `status`, and the parsed body as `cause`.
 * - Non-2xx with a bearer challenge but no body (RFC 6750 §3, e.g. userinfo 401) → `OAuthError`
 *   from the `WWW-Authenticate` header.
 * - Anything else (an HTML 502 from a proxy, an unknown code) → `OAuthError('server_error')`, or
 *   `temporarily_unavailable` for 503, with `status` set so callers can tell transient from fatal.
 * - A 2xx whose body breaks the spec → `InvalidResponseError`: the server did not report an
 *   error, this client judged its answer unusable.
 *
 * Network failures are not handled here: a rejected `fetch` propagates unchanged (a `TypeError`),
 * so the device-flow driver can tell "could not reach the server" from "the server said no".
 */
import { OAuthError, isOAuthErrorCode } from '../protocol/errors';

/** A 2xx response that this client cannot use (bad JSON, a missing or mistyped field, wrong issuer). */
export class InvalidResponseError extends Error {
  override readonly name = 'InvalidResponseError';
  readonly code = 'OAUTH_INVALID_RESPONSE';
  /** HTTP status of the offending response. */
  readonly status: number;

  constructor(message: string, options: { status: number; cause?: unknown }) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.status = options.status;
  }
}

/** Reads a body as JSON; `undefined` when it is empty or not JSON (e.g. an HTML error page). */
export async function readJsonBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The `OAuthError` an error body describes, or `undefined` if `body` is not an error body.
 * Also used on 2xx bodies: some device-flow servers answer polls with HTTP 200 and
 * `{"error":"authorization_pending"}`.
 */
export function errorFromBody(body: unknown, status: number): OAuthError | undefined {
  if (!isJsonObject(body) || typeof body.error !== 'string') return undefined;
  const description = typeof body.error_description === 'string' ? body.error_description : undefined;
  if (isOAuthErrorCode(body.error)) return new OAuthError(body.error, description, { status, cause: body });
  // A code outside the RFCs we speak: keep the server's body as `cause`, report it as server_error.
  return new OAuthError('server_error', description ?? `Unrecognised error code "${body.error}"`, { status, cause: body });
}

/** RFC 6750 §3: `WWW-Authenticate: Bearer error="invalid_token", error_description="..."`. */
function errorFromChallenge(response: Response): OAuthError | undefined {
  const challenge = response.headers.get('www-authenticate');
  if (!challenge || !/^\s*(?:Bearer|DPoP)\b/i.test(challenge)) return undefined;
  const code = /\berror="([^"]*)"/.exec(challenge)?.[1];
  if (!isOAuthErrorCode(code)) return undefined;
  const description = /\berror_description="([^"]*)"/.exec(challenge)?.[1];
  return new OAuthError(code, description, {
    status: response.status,
    headers: { 'WWW-Authenticate': challenge },
    cause: { error: code, ...(description === undefined ? {} : { error_description: description }) },
  });
}

/** The error for a non-2xx response. Consumes the body. */
export async function responseError(response: Response): Promise<OAuthError> {
  const body = await readJsonBody(response);
  const fromBody = errorFromBody(body, response.status);
  if (fromBody) return fromBody;
  const fromChallenge = errorFromChallenge(response);
  if (fromChallenge) return fromChallenge;
  const cause = body ?? { status: response.status, statusText: response.statusText };
  return response.status === 503
    ? new OAuthError('temporarily_unavailable', 'The server is temporarily unavailable (HTTP 503).', { status: 503, cause })
    : new OAuthError('server_error', `Unexpected HTTP ${response.status} response without an OAuth error body.`, {
        status: response.status,
        cause,
      });
}

/**
 * The body of a successful response as a JSON object: throws `responseError` for non-2xx, the
 * server's `OAuthError` for a 2xx error body, and `InvalidResponseError` for anything not JSON.
 */
export async function expectJsonObject(response: Response, what: string): Promise<Record<string, unknown>> {
  if (!response.ok) throw await responseError(response);
  const body = await readJsonBody(response);
  const error = errorFromBody(body, response.status);
  if (error) throw error;
  if (!isJsonObject(body)) {
    throw new InvalidResponseError(`The ${what} response is not a JSON object.`, { status: response.status, cause: body });
  }
  return body;
}
