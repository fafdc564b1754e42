import { OAuthError, oauthError } from '@pairgate/shared';
import { answerAuthorization } from '../authorization/answer';
import { authorizationErrorPage } from '../authorization/error-page';
import { consentLocation, loginLocation, needsConsent } from '../authorization/interaction';
import {
  errorResponseMode,
  resolveRedirectTarget,
  UntrustedAuthorizationRequest,
  validateAuthorizationRequest,
  type RedirectTarget,
} from '../authorization/request';
import { authorizationErrorResponse } from '../authorization/response';
import type { CoreContext } from '../context';
import { redirectTo, type OAuthRequest, type OAuthResponse } from '../http/types';
import { isStoreUnavailable } from '../../store/unavailable';
import { databaseUnavailable } from '../unavailable';

/**
 * GET/POST /oauth/authorize — the authorization endpoint (RFC 6749 §4.1.1, OIDC Core
 * §3.1.2.1: POST with form parameters is accepted too). The response types of
 * `response-types.ts`, each only for clients that enable it: `code` (PKCE S256, RFC 7636), and
 * the legacy implicit and hybrid types by form post only (OIDC Core §3.2, §3.3, OAuth 2.0 Form
 * Post Response Mode). Exact redirect URIs with any port for loopback ones (RFC 8252 §7.3), `iss`
 * on every response (RFC 9207). The browser is sent to the portal to sign in or to consent, and comes back
 * here (sign-in) or gets its answer from the consent form.
 */
export async function authorizeEndpoint(ctx: CoreContext, req: OAuthRequest, onUnexpected: (err: unknown) => void): Promise<OAuthResponse> {
  const params = authorizationParams(req);
  if (!params) return authorizationErrorPage('malformed');

  let target: RedirectTarget;
  try {
    target = await resolveRedirectTarget(ctx.store, params);
  } catch (thrown) {
    // RFC 6749 §4.1.2.1: no redirect to a client or URI we cannot vouch for.
    if (thrown instanceof UntrustedAuthorizationRequest) return authorizationErrorPage(thrown.reason);
    // A browser navigation: the person gets a page saying to try again shortly (503, Retry-After).
    // The store logs the outage once; each request during it is not logged.
    if (isStoreUnavailable(thrown)) return authorizationErrorPage('unavailable');
    onUnexpected(thrown);
    return authorizationErrorPage('server-error');
  }

  try {
    return await authorize(ctx, req, params, target);
  } catch (thrown) {
    // From here on the client hears about every failure, with state and iss; anything
    // unexpected is a bare server_error (RFC 6749 §4.1.2.1), logged without details. Implicit
    // and hybrid requests hear it by form post too, like their answer (never in a URL fragment).
    // The database being away is RFC 6749 §4.1.2.1's temporarily_unavailable, not a bug.
    const unavailable = isStoreUnavailable(thrown);
    if (!(thrown instanceof OAuthError) && !unavailable) onUnexpected(thrown);
    const error = thrown instanceof OAuthError ? thrown : unavailable ? databaseUnavailable(thrown) : oauthError.serverError(thrown);
    return authorizationErrorResponse(errorResponseMode(params), target.redirectUri, ctx.issuer, target.state, error);
  }
}

async function authorize(ctx: CoreContext, req: OAuthRequest, params: URLSearchParams, target: RedirectTarget): Promise<OAuthResponse> {
  const request = validateAuthorizationRequest(ctx, target, params);
  const now = ctx.now();

  const signedIn = await ctx.sessions.current(req);
  const user = signedIn && (await ctx.store.findUserById(signedIn.userId));
  // OIDC Core §3.1.2.1: prompt=login and max_age ask for a fresh password entry.
  const tooOld = signedIn !== undefined && request.maxAge !== undefined && now - signedIn.authTime > request.maxAge * 1000;
  if (!signedIn || !user || tooOld || request.prompt.has('login')) {
    // prompt=none: no pages may be shown (OIDC Core §3.1.2.6).
    if (request.prompt.has('none')) throw new OAuthError('login_required', 'The person is not signed in (or not recently enough).');
    return redirectTo(loginLocation(params, { reauthenticate: Boolean(signedIn && user), loginHint: request.loginHint }));
  }

  if (await needsConsent(ctx, request, user.id)) {
    if (request.prompt.has('none')) throw new OAuthError('consent_required', 'The person has not allowed this app yet.');
    return redirectTo(await consentLocation(ctx, request, user.id, signedIn.authTime));
  }

  return answerAuthorization(ctx, {
    client: request.client,
    userId: user.id,
    responseType: request.responseType,
    responseMode: request.responseMode,
    redirectUri: request.redirectUri,
    scope: request.scope,
    state: request.state,
    nonce: request.nonce,
    codeChallenge: request.codeChallenge,
    authTime: signedIn.authTime,
  });
}

/** GET: the query. POST (OIDC Core §3.1.2.1): the form body, which must be form-encoded. */
function authorizationParams(req: OAuthRequest): URLSearchParams | undefined {
  if (req.method !== 'POST') return req.query;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' && req.form ? req.form : undefined;
}
