import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { UserRecord } from '../store/store';
import { loginThen } from './forms/types';
import { CLIENT_IP_HEADER } from './http/client-ip';
import { portalServices, secureCookies } from './services';
import { cookieNames, csrfToken, saveSessionData, sessionFromSecret, type ActiveSession, type SessionData } from './session';

export interface PageSession extends ActiveSession {
  user: UserRecord;
  /** The CSRF token for this session's forms. */
  csrf: string;
}

/** The signed-in person of this request, if any. */
export async function pageSession(): Promise<PageSession | undefined> {
  const { store } = portalServices();
  const secret = (await cookies()).get(cookieNames(secureCookies()).session)?.value;
  const session = await sessionFromSecret(store, secret, Date.now());
  if (!session) return undefined;
  const user = await store.findUserById(session.record.userId);
  if (!user) return undefined;
  return { ...session, user, csrf: csrfToken(session.secret, 'session') };
}

/** The signed-in person, or a redirect to /login that comes back to `returnTo` (a path on this site). */
export async function requireSession(returnTo: string): Promise<PageSession> {
  const session = await pageSession();
  if (!session) redirect(loginThen(returnTo));
  return session;
}

/** Reads and clears the one-shot message (a GET may do this: it only forgets a notice). */
export async function takeFlash(session: PageSession): Promise<SessionData['flash']> {
  const { flash, ...rest } = session.data;
  if (flash) await saveSessionData(portalServices().store, session, rest, Date.now());
  return flash;
}

/** This request's client address, as the custom server determined it. */
export async function requestClientIp(): Promise<string | undefined> {
  return (await headers()).get(CLIENT_IP_HEADER) ?? undefined;
}

/** First value of a search parameter. */
export function firstParam(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
