import type { OAuthRequest } from '../http/types';

/** Who is signed in on the browser that sent an authorization request, and since when. */
export interface SignedInPerson {
  userId: string;
  /** Epoch ms of the last password entry (OIDC `auth_time`). */
  authTime: number;
}

/**
 * The authorization endpoint's view of the portal's sign-in session. The portal implements it
 * (see `src/portal/oauth-sessions.ts`) and passes it to `createProvider`, so the OAuth core
 * never imports the portal: it only learns who is signed in.
 */
export interface SessionReader {
  current(req: OAuthRequest): Promise<SignedInPerson | undefined>;
}

/** For cores without a portal (tests of other endpoints): nobody is ever signed in. */
export const noSessions: SessionReader = { current: async () => undefined };
