import { formatScope, OAuthError, oauthError, parseScope } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import type { CoreContext } from '../context';
import type { OAuthResponse } from '../http/types';
import type { ResponseMode } from '../response-types';
import { answerAuthorization } from './answer';
import { authorizationErrorResponse } from './response';
import { endSignIn } from '../sign-ins';

export type ConsentDecision = 'allow' | 'deny';

export type ConsentOutcome =
  /**
   * The answer for the client: a 303 to its redirect URI with a code or `access_denied`
   * (`response_mode=query`), or the page that POSTs the answer there (`form_post`). `response`
   * is a complete response (status, headers incl. its own CSP, and the HTML).
   */
  | { ok: true; response: OAuthResponse }
  /** No such request for this person: expired, already answered, or someone else's. */
  | { ok: false };

/**
 * The person's answer on the consent screen (OIDC Core §3.1.2.4). The pending request is
 * taken atomically, so a double submit answers once. Allow remembers the consent (widening any
 * earlier one) and answers as the request asked (a code, or for implicit/hybrid requests the
 * form post with tokens); Cancel sends `access_denied` (RFC 6749 §4.1.2.1) the same way.
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

  const mode: ResponseMode = record.responseMode === 'form_post' ? 'form_post' : 'query';
  if (decision === 'deny') {
    const denied = oauthError.accessDenied('The person declined to sign in to this app.');
    return { ok: true, response: authorizationErrorResponse(mode, record.redirectUri, ctx.issuer, state, denied) };
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
  try {
    const response = await answerAuthorization(ctx, {
      client,
      userId,
      responseType: record.responseType,
      responseMode: mode,
      redirectUri: record.redirectUri,
      scope,
      state,
      nonce: record.nonce ?? undefined,
      codeChallenge: record.codeChallenge ?? undefined,
      authTime: record.authTime,
    });
    return { ok: true, response };
  } catch (thrown) {
    // The client still hears about it (RFC 6749 §4.1.2.1); a bug is a bare server_error.
    if (!(thrown instanceof OAuthError)) throw thrown;
    return { ok: true, response: authorizationErrorResponse(mode, record.redirectUri, ctx.issuer, state, thrown) };
  }
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
    if (grant.clientId === clientId) await endSignIn(ctx, grant.id, now);
  }
  return true;
}
