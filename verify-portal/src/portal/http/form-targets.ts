/**
 * Where the sign-in and consent forms may end up, for their page's CSP `form-action`.
 *
 * Browsers apply `form-action` to every redirect that follows a form submission (CSP Level 3
 * §6.3.2.1), so with `form-action 'self'` alone the sign-in POST → /oauth/authorize → 303 to the
 * app's redirect URI (and Allow/Cancel on the consent screen → 303 there) would be blocked.
 * These two pages therefore also allow the one redirect URI of the authorization request they
 * serve — and only once the OAuth core has checked it is registered for the client
 * (RFC 6749 §4.1.2.1).
 */
import { cspSourceFor } from '../../oauth/authorization/form-post';
import type { Provider } from '../../oauth/provider';
import type { Store } from '../../store/store';
import { safeNextPath } from '../safe-next';
import { cookieNames, sessionFromSecret } from '../session';
import { parseCookies } from './cookies';

const AUTHORIZE_PATH = '/oauth/authorize';

export async function authorizationFormTargets(
  ctx: { provider: Provider; store: Store; secure: boolean },
  pathname: string,
  search: URLSearchParams,
  cookieHeader: string | undefined,
  now: number,
): Promise<string[]> {
  let redirectUri: string | undefined;
  if (pathname === '/login') {
    const next = safeNextPath(search.get('next'), '');
    if (!next.startsWith(`${AUTHORIZE_PATH}?`)) return [];
    redirectUri = await ctx.provider.redirectUriOf(new URL(next, 'http://portal.invalid').searchParams);
  } else if (pathname === '/consent') {
    const session = await sessionFromSecret(ctx.store, parseCookies(cookieHeader).get(cookieNames(ctx.secure).session), now);
    const id = search.get('request');
    if (!session || !id) return [];
    redirectUri = (await ctx.provider.pendingAuthorization(id, session.record.userId))?.redirectUri;
  }
  const source = redirectUri === undefined ? undefined : cspSourceFor(redirectUri);
  return source ? [source] : [];
}
