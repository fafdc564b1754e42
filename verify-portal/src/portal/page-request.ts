import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { loginThen } from './forms/types';
import { CLIENT_IP_HEADER } from './http/client-ip';
import { portalLoaders } from './loaders/bridge';
import type { PageRequest, PortalLoaders } from './loaders/types';

export type { PageRequest } from './loaders/types';

/** The loaders the custom server registered: the only way a page reaches the portal's data. */
export function loaders(): PortalLoaders {
  return portalLoaders();
}

/** This request as the loaders take it: its two cookies, its client address, the time. */
export async function pageRequest(): Promise<PageRequest> {
  const names = portalLoaders().cookieNames;
  const jar = await cookies();
  return {
    sessionSecret: jar.get(names.session)?.value,
    preSessionSecret: jar.get(names.preSession)?.value,
    // Always set by the custom server, which overwrites whatever a client sent under that name.
    clientIp: (await headers()).get(CLIENT_IP_HEADER) ?? '',
    now: Date.now(),
  };
}

/** To /login, and back to `returnTo` (a path on this site) afterwards. */
export function signInFirst(returnTo: string): never {
  redirect(loginThen(returnTo));
}

/** First value of a search parameter. */
export function firstParam(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
