/**
 * The OAuth error codes Pairgate speaks, and one error type that carries them.
 *
 * RFC 6749 §5.2 (token endpoint), §4.1.2.1 (authorization endpoint), RFC 8628 §3.5 (device
 * polling), RFC 6750 §3.1 (bearer tokens), RFC 7009 §2.2.1 (revocation), RFC 8707 §2 (resource
 * indicators), OIDC Core §3.1.2.6.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'invalid_target'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required';

/** Every `OAuthErrorCode` at run time; `satisfies` keeps the table and the union in step. */
const OAUTH_ERROR_CODES = {
  invalid_request: true,
  invalid_client: true,
  invalid_grant: true,
  unauthorized_client: true,
  unsupported_grant_type: true,
  invalid_scope: true,
  access_denied: true,
  unsupported_response_type: true,
  server_error: true,
  temporarily_unavailable: true,
  authorization_pending: true,
  slow_down: true,
  expired_token: true,
  invalid_token: true,
  insufficient_scope: true,
  unsupported_token_type: true,
  invalid_target: true,
  login_required: true,
  consent_required: true,
  interaction_required: true,
} as const satisfies Record<OAuthErrorCode, true>;

/** Is `value` one of the codes above? Used by clients to read a server's error body. */
export function isOAuthErrorCode(value: unknown): value is OAuthErrorCode {
  return typeof value === 'string' && Object.hasOwn(OAUTH_ERROR_CODES, value);
}

/** The JSON body of an OAuth error response (RFC 6749 §5.2). */
export interface OAuthErrorBody {
  error: OAuthErrorCode;
  error_description?: string;
}

export interface OAuthErrorOptions {
  /** HTTP status to answer with. */
  status?: number;
  /** Extra response headers, e.g. `WWW-Authenticate` for `invalid_client` / `invalid_token`. */
  headers?: Record<string, string>;
  /** Whether `description` may be shown to the caller. Unexpected errors never are. */
  expose?: boolean;
  cause?: unknown;
}

/**
 * The one error type for OAuth failures, thrown by the server core and by the client steps.
 * `error` is the RFC code; `description` is safe, human-readable text (never a secret).
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly error: OAuthErrorCode;
  readonly description: string | undefined;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly expose: boolean;

  constructor(error: OAuthErrorCode, description?: string, options: OAuthErrorOptions = {}) {
    // Only pass `cause` when there is one, so `'cause' in err` stays meaningful.
    super(description ? `${error}: ${description}` : error, 'cause' in options ? { cause: options.cause } : undefined);
    this.error = error;
    this.description = description;
    this.status = options.status ?? defaultStatus(error);
    this.headers = options.headers ?? {};
    this.expose = options.expose ?? true;
  }

  toJSON(): OAuthErrorBody {
    return this.expose && this.description
      ? { error: this.error, error_description: this.description }
      : { error: this.error };
  }
}

function defaultStatus(error: OAuthErrorCode): number {
  switch (error) {
    case 'invalid_client':
    case 'invalid_token':
      return 401;
    case 'insufficient_scope':
    case 'access_denied':
      return 403;
    case 'server_error':
      return 500;
    case 'temporarily_unavailable':
      return 503;
    default:
      return 400;
  }
}

/** Constructors for the codes, so call sites read like the RFC. */
export const oauthError = {
  invalidRequest: (d: string) => new OAuthError('invalid_request', d),
  invalidClient: (d: string, challenge?: string) =>
    new OAuthError('invalid_client', d, challenge ? { headers: { 'WWW-Authenticate': challenge } } : {}),
  invalidGrant: (d: string) => new OAuthError('invalid_grant', d),
  unauthorizedClient: (d: string) => new OAuthError('unauthorized_client', d),
  unsupportedGrantType: (d: string) => new OAuthError('unsupported_grant_type', d),
  invalidScope: (d: string) => new OAuthError('invalid_scope', d),
  // RFC 8628 §3.5: these four are answered by the token endpoint with HTTP 400.
  authorizationPending: () => new OAuthError('authorization_pending', 'The user has not yet approved this device.', { status: 400 }),
  slowDown: (interval: number) => new OAuthError('slow_down', `Polling too fast; wait at least ${interval} seconds between requests.`, { status: 400 }),
  accessDenied: (d = 'The user denied the request.') => new OAuthError('access_denied', d, { status: 400 }),
  expiredToken: () => new OAuthError('expired_token', 'The device code has expired; request a new one.', { status: 400 }),
  invalidToken: (d: string) =>
    new OAuthError('invalid_token', d, {
      headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description=${quotedString(d)}` },
    }),
  unsupportedTokenType: (d: string) => new OAuthError('unsupported_token_type', d),
  // RFC 8707 §2: the resource (or audience) asked for is invalid, unknown or not this client's.
  invalidTarget: (d: string) => new OAuthError('invalid_target', d),
  serverError: (cause?: unknown) => new OAuthError('server_error', 'The server could not complete the request.', { cause, expose: true }),
} as const;

/**
 * Turns anything thrown into a wire response. An `OAuthError` keeps its code, status and headers;
 * anything else becomes a bare `server_error` so no internals (messages, stacks) reach the caller.
 */
export function toErrorResponse(thrown: unknown): {
  status: number;
  headers: Record<string, string>;
  body: OAuthErrorBody;
} {
  const err = thrown instanceof OAuthError ? thrown : oauthError.serverError(thrown);
  return { status: err.status, headers: { ...err.headers }, body: err.toJSON() };
}

/** Narrows an unknown thrown value to an `OAuthError`, optionally with a given code. */
export function isOAuthError(value: unknown, code?: OAuthErrorCode): value is OAuthError {
  return value instanceof OAuthError && (code === undefined || value.error === code);
}

/**
 * A quoted-string (RFC 9110 §5.6.4) for `error_description` in `WWW-Authenticate`. RFC 6750 §3
 * allows only %x20-21 / %x23-5B / %x5D-7E there, so anything else (quotes, backslashes, CR/LF,
 * non-ASCII) is dropped: a description can never break or inject into the header.
 */
export function quotedString(value: string): string {
  return `"${value.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '')}"`;
}
