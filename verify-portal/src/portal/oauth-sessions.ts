/**
 * The portal's sign-in session as the OAuth core's authorization endpoint sees it (see
 * `src/oauth/authorization/sessions.ts`): who is signed in on this browser, and since when.
 */
import type { SessionReader } from '../oauth/authorization/sessions';
import type { Store } from '../store/store';
import { parseCookies } from './http/cookies';
import { cookieNames, sessionFromSecret } from './session';

export function portalSessionReader(store: Store, secure: boolean, now: () => number = Date.now): SessionReader {
  const names = cookieNames(secure);
  return {
    async current(req) {
      const session = await sessionFromSecret(store, parseCookies(req.headers.cookie).get(names.session), now());
      return session && { userId: session.record.userId, authTime: session.record.authTime };
    },
  };
}
