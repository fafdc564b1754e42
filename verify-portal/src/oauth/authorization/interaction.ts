import { randomBytes } from 'node:crypto';
import { formatScope, parseScope } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import type { ClientRecord } from '../../store/store';
import { interactionPaths, type CoreContext } from '../context';
import type { AuthorizationRequest } from './request';

/**
 * Sends the browser to the portal's sign-in page, which comes back to the same authorization
 * request afterwards (`next`, a same-site path). `prompt=login` and `max_age` are taken out of
 * that return path: right after signing in they are satisfied, and leaving them in would ask
 * again forever. The client still sees when the person signed in: the ID token always carries
 * `auth_time` (OIDC Core §3.1.2.1, §2).
 */
export function loginLocation(params: URLSearchParams, options: { reauthenticate: boolean; loginHint: string | undefined }): string {
  const again = new URLSearchParams(params);
  const prompt = (again.get('prompt') ?? '').split(' ').filter((p) => p && p !== 'login');
  if (prompt.length > 0) again.set('prompt', prompt.join(' '));
  else again.delete('prompt');
  again.delete('max_age');
  const query = new URLSearchParams({ next: `/oauth/authorize?${again}` });
  // With a session the login page would just continue; this makes it ask for the password.
  if (options.reauthenticate) query.set('reauth', '1');
  if (options.loginHint) query.set('login_hint', options.loginHint);
  return `${interactionPaths.login}?${query}`;
}

/**
 * OIDC Core §3.1.2.4: first-party clients are trusted; others need the person's consent to the
 * scopes asked for, once (remembered) unless `prompt=consent` asks again.
 */
export async function needsConsent(ctx: CoreContext, request: AuthorizationRequest, userId: string): Promise<boolean> {
  if (request.prompt.has('consent')) return true;
  if (request.client.firstParty) return false;
  const consent = await ctx.store.findConsent(userId, request.client.clientId);
  const allowed = parseScope(consent?.scope) ?? [];
  return !request.scope.every((s) => allowed.includes(s));
}

/**
 * Keeps the validated request server-side for the consent screen and returns the page to go
 * to. The random id in that URL is not a credential: only the person it was made for, signed
 * in, can answer it (and only once).
 */
export async function consentLocation(ctx: CoreContext, request: AuthorizationRequest, userId: string, authTime: number): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  const now = ctx.now();
  await ctx.store.insertAuthorizationRequest({
    idHash: hashSecret(id),
    userId,
    clientId: request.client.clientId,
    redirectUri: request.redirectUri,
    scope: formatScope(request.scope),
    state: request.state ?? null,
    nonce: request.nonce ?? null,
    codeChallenge: request.codeChallenge ?? null,
    authTime,
    createdAt: now,
    expiresAt: now + ctx.settings.authorizationRequestTtlSeconds * 1000,
    responseType: request.responseType,
    responseMode: request.responseMode,
  });
  return `${interactionPaths.consent}?${new URLSearchParams({ request: id })}`;
}

/** What the consent screen shows. */
export interface PendingAuthorization {
  client: Pick<ClientRecord, 'clientId' | 'name'>;
  scope: string[];
  /** Where the answer will go (the redirect URI). */
  redirectUri: string;
}

const REQUEST_ID = /^[A-Za-z0-9_-]{43}$/;

/** The pending request with this id, if it is this person's and has not expired or been answered. */
export async function findPendingAuthorization(ctx: CoreContext, id: string, userId: string): Promise<PendingAuthorization | undefined> {
  if (!REQUEST_ID.test(id)) return undefined;
  const record = await ctx.store.findAuthorizationRequest(hashSecret(id), ctx.now());
  if (!record || record.userId !== userId) return undefined;
  const client = await ctx.store.findClient(record.clientId);
  if (!client) return undefined;
  return { client: { clientId: client.clientId, name: client.name }, scope: parseScope(record.scope) ?? [], redirectUri: record.redirectUri };
}
