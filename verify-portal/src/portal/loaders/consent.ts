import type { FormContext } from '../forms/types';
import { csrfToken, isWellFormedSecret } from '../session';
import type { ConsentScreen, LoginScreen, PageRequest } from './types';
import { signedIn, SIGNED_OUT } from './viewer';

/**
 * GET /consent?request=… (OIDC Core §3.1.2.4): everything shown comes from the request the
 * OAuth core kept server-side, and only to the person it is waiting for.
 */
export async function consentScreen(ctx: FormContext, req: PageRequest, requestId: string): Promise<ConsentScreen> {
  const signed = await signedIn(ctx, req);
  if (!signed) return SIGNED_OUT;
  const { session, viewer } = signed;
  const pending = requestId ? await ctx.provider.pendingAuthorization(requestId, session.record.userId) : undefined;
  if (!pending) return { kind: 'gone', viewer };
  return { kind: 'consent', viewer, requestId, appName: pending.client.name, scopes: pending.scope, returnsToHost: webHostOf(pending.redirectUri) };
}

/**
 * Where the answer goes, in words a person can check: a web app's host name. Loopback redirect
 * URIs (RFC 8252 §7.3, any port) and custom schemes belong to an app on this computer: undefined.
 */
function webHostOf(redirectUri: string): string | undefined {
  const url = new URL(redirectUri);
  if (url.hostname === '127.0.0.1' || url.hostname === '[::1]') return undefined;
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.hostname : undefined;
}

/** GET /login: the form's CSRF token, bound to the pre-session cookie the custom server set on this very request. */
export async function loginScreen(ctx: FormContext, req: PageRequest): Promise<LoginScreen> {
  const signed = await signedIn(ctx, req);
  return {
    signedInEmail: signed?.viewer.email,
    csrf: isWellFormedSecret(req.preSessionSecret) ? csrfToken(req.preSessionSecret, 'login') : '',
  };
}
