import type { FormContext } from '../forms/types';
import { csrfToken, saveSessionData, sessionFromSecret, type ActiveSession, type SessionData } from '../session';
import type { PageRequest, SignedOut, Viewer } from './types';

export const SIGNED_OUT: SignedOut = { kind: 'signed-out' };

/** The request's live session and the person it belongs to, if any. */
export async function signedIn(ctx: FormContext, req: PageRequest): Promise<{ session: ActiveSession; viewer: Viewer } | undefined> {
  const session = await sessionFromSecret(ctx.store, req.sessionSecret, req.now);
  if (!session) return undefined;
  const user = await ctx.store.findUserById(session.record.userId);
  if (!user) return undefined;
  return { session, viewer: { name: user.name, email: user.email, csrf: csrfToken(session.secret, 'session') } };
}

/** Reads and clears the one-shot message and what was typed with it (a GET may: it only forgets a notice). */
export async function takeFlash(ctx: FormContext, session: ActiveSession, now: number): Promise<Pick<SessionData, 'flash' | 'typedCode'>> {
  const { flash, typedCode, ...rest } = session.data;
  if (flash || typedCode) await saveSessionData(ctx.store, session, rest, now);
  return { flash, typedCode };
}
