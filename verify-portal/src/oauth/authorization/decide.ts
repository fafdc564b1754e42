import { formatScope, oauthError, parseScope } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import type { CoreContext } from '../context';
import { issueAuthorizationCode } from './codes';
import { authorizationResponseUrl, errorResponseUrl } from './response';

export type ConsentDecision = 'allow' | 'deny';

export type ConsentOutcome =
  /** Send the browser here: the client's redirect URI with a code, or with `access_denied`. */
  | { ok: true; location: string }
  /** No such request for this person: expired, already answered, or someone else's. */
  | { ok: false };

/**
 * The person's answer on the consent screen (OIDC Core §3.1.2.4). The pending request is
 * taken atomically, so a double submit answers once. Allow remembers the consent (widening any
 * earlier one) and issues a code; Cancel sends `access_denied` (RFC 6749 §4.1.2.1).
 */
export async function decideAuthorization(ctx: CoreContext, id: string, userId: string, decision: ConsentDecision): Promise<ConsentOutcome> {
  const idHash = hashSecret(id);
  const now = ctx.now();
  const pending = await ctx.store.findAuthorizationRequest(idHash, now);
  if (!pending || pending.userId !== userId) return { ok: false };
  const record = await ctx.store.takeAuthorizationRequest(idHash, now);
  if (!record) return { ok: false };
  const client = await ctx.store.findClient(record.clientId);
  if (!client) return { ok: false };
  const state = record.state ?? undefined;

  if (decision === 'deny') {
    return { ok: true, location: errorResponseUrl(record.redirectUri, ctx.issuer, state, oauthError.accessDenied('The person declined to sign in to this app.')) };
  }
  const scope = parseScope(record.scope) ?? [];
  const earlier = await ctx.store.findConsent(userId, client.clientId);
  await ctx.store.saveConsent({
    userId,
    clientId: client.clientId,
    scope: formatScope([...(parseScope(earlier?.scope) ?? []), ...scope]),
    createdAt: earlier?.createdAt ?? now,
    updatedAt: now,
  });
  const code = await issueAuthorizationCode(ctx, {
    clientId: client.clientId,
    userId,
    redirectUri: record.redirectUri,
    scope,
    nonce: record.nonce ?? undefined,
    codeChallenge: record.codeChallenge ?? undefined,
    authTime: record.authTime,
  });
  return { ok: true, location: authorizationResponseUrl(record.redirectUri, ctx.issuer, state, { code }) };
}

/**
 * Withdraws this person's consent to a client and signs that app out everywhere (its grants and
 * their refresh tokens are revoked), so the next sign-in asks again. False if there was none.
 */
export async function withdrawConsent(ctx: CoreContext, userId: string, clientId: string): Promise<boolean> {
  const now = ctx.now();
  const withdrawn = await ctx.store.deleteConsent(userId, clientId);
  if (!withdrawn) return false;
  for (const grant of await ctx.store.listActiveGrants(userId)) {
    if (grant.clientId === clientId) await ctx.store.revokeGrant(grant.id, now);
  }
  return true;
}
