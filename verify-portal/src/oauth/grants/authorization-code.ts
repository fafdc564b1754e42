import { oauthError, parseScope, verifyCodeChallenge } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import { apiAudiences } from '../audience';
import { param, requiredParam } from '../http/params';
import { newGrant } from '../new-grant';
import { issueFirstTokens } from '../tokens/issue';
import type { GrantHandler } from './types';
import { tellSignInEnded } from '../sign-ins';

/**
 * RFC 6749 §4.1.3: exchanges an authorization code. The client has authenticated by its
 * registered method (a confidential web app: client_secret_basic/_post or private_key_jwt,
 * RFC 6749 §4.1.3 "MUST authenticate"). The code must be this client's, the redirect URI
 * identical to the authorization request's, and whenever PKCE was used the verifier must hash to
 * the stored challenge (RFC 7636 §4.6). Codes from the hybrid flow redeem the same way; this ID
 * token has no c_hash (OIDC Core §3.3.3.6 only asks for it from the authorization endpoint). Redemption and the new grant are one atomic store step, so
 * of racing requests exactly one gets tokens; a code presented again revokes the grant it
 * turned into, and with it every token issued from it (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
 */
export const authorizationCodeGrant: GrantHandler = async (ctx, client, params) => {
  const presented = requiredParam(params, 'code');
  // RFC 8707 §2: checked first, so a bad resource never uses up the code.
  const apis = apiAudiences(params, client);
  const hash = hashSecret(presented);
  const now = ctx.now();
  const record = await ctx.store.findAuthorizationCode(hash);
  // A code of another client is answered exactly like an unknown one.
  if (!record || record.clientId !== client.clientId) throw oauthError.invalidGrant('Unknown authorization code.');

  if (record.redeemedAt === null) {
    if (now >= record.expiresAt) throw oauthError.invalidGrant('The authorization code has expired.');
    if (param(params, 'redirect_uri') !== record.redirectUri) {
      throw oauthError.invalidGrant('redirect_uri does not match the authorization request.');
    }
    const verifier = param(params, 'code_verifier');
    if (record.codeChallenge !== null) {
      if (verifier === undefined) throw oauthError.invalidGrant('code_verifier is required (PKCE).');
      if (!(await verifyCodeChallenge(verifier, record.codeChallenge))) throw oauthError.invalidGrant('code_verifier does not match the code_challenge.');
    } else if (verifier !== undefined || client.type === 'public' || client.requirePkce) {
      // RFC 9700 §2.1.1: a verifier without a challenge is refused (PKCE downgrade), and so is a
      // code without PKCE for a client that must use it (public, or registered with requirePkce).
      throw oauthError.invalidGrant('This code was issued without PKCE.');
    }
  }

  const user = await ctx.store.findUserById(record.userId);
  const grant = newGrant({ id: record.grantId, userId: record.userId, clientId: client.clientId, scope: record.scope, authTime: record.authTime }, now);
  const redeemed = await ctx.store.redeemAuthorizationCode(hash, grant, now);
  switch (redeemed.status) {
    case 'redeemed':
      break;
    case 'reused':
      // RFC 6749 §4.1.2: the store revoked what the first redemption issued; its app, if watching, hears so.
      tellSignInEnded(ctx, grant.id);
      throw oauthError.invalidGrant('This authorization code was already used; the tokens issued for it have been revoked.');
    case 'invalid':
      throw oauthError.invalidGrant('The authorization code has expired.');
  }
  if (!user) {
    await ctx.store.revokeGrant(grant.id, now);
    throw oauthError.invalidGrant('The account no longer exists.');
  }

  const scope = parseScope(record.scope) ?? [];
  return issueFirstTokens(ctx, { grant, client, user, scope, nonce: record.nonce ?? undefined, apis });
};
