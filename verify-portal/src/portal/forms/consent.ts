import { checkCsrf, sessionFromSecret } from '../session';
import { badRequest, formExpired, loginThen, redirect, type FormHandler } from './types';

/** The consent screen's own URL for a pending request (the id is not a credential: see `interaction.ts`). */
export const consentPath = (requestId: string): string => `/consent?${new URLSearchParams({ request: requestId })}`;

/**
 * POST /consent: Allow or Cancel (OIDC Core §3.1.2.4). The core answers from the request it
 * kept server-side — nothing the browser sends back but the request id and the choice is used —
 * and says where to send the browser: the app's redirect URI with a code, or with
 * `access_denied` (RFC 6749 §4.1.2.1). The 303 leaves this site; the consent page's CSP
 * form-action allows exactly that redirect URI. Implicit and hybrid requests are answered with
 * the core's form-post page instead (OAuth 2.0 Form Post Response Mode), sent as it is.
 */
export const consent: FormHandler = async (ctx, req) => {
  const requestId = (req.form.get('request') ?? '').slice(0, 64);
  const session = await sessionFromSecret(ctx.store, req.cookies.get(ctx.names.session), req.now);
  if (!session) return redirect(loginThen(requestId ? consentPath(requestId) : '/account/devices'));
  if (!checkCsrf(session.secret, 'session', req.form.get('csrf'))) return formExpired();

  const decision = req.form.get('decision');
  if ((decision !== 'allow' && decision !== 'deny') || !requestId) return badRequest();
  const outcome = await ctx.provider.decideAuthorization(requestId, session.record.userId, decision);
  // Expired, already answered, or not this person's: the page explains.
  if (!outcome.ok) return redirect(consentPath(requestId));
  const { response } = outcome;
  const location = response.headers.Location;
  if (location !== undefined) return redirect(location);
  // Form Post Response Mode: the page that POSTs the answer to the app, with its own CSP.
  return { kind: 'document', status: 200, headers: response.headers, html: response.html ?? '' };
};
