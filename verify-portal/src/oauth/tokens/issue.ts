import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { formatScope, type TokenResponse } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import type { ClientRecord, GrantRecord, UserRecord } from '../../store/store';
import type { CoreContext } from '../context';

export interface IssueInput {
  grant: GrantRecord;
  client: ClientRecord;
  user: UserRecord;
  /** The scope granted for this response (a subset of the grant's). */
  scope: readonly string[];
  /** OIDC nonce to bind into the ID token, when the flow carried one. */
  nonce?: string | undefined;
  /** Whether to mint a refresh token (the caller decides: new grant, or rotation). */
  refreshToken: boolean;
}

/**
 * Mints the token response: an RFC 9068 JWT access token, an OIDC ID token when `openid` was
 * granted, and an opaque refresh token (stored hashed) when asked for.
 */
export async function issueTokens(ctx: CoreContext, input: IssueInput): Promise<{ response: TokenResponse; refreshTokenHash?: string }> {
  const { grant, client, user, scope } = input;
  const key = await ctx.keys.signingKey();
  const iat = Math.floor(ctx.now() / 1000);
  const authTime = Math.floor(grant.authTime / 1000);

  // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti, and scope when one was granted.
  // `sid` names the grant so userinfo can refuse tokens of a device that was signed out.
  const accessToken = await new SignJWT({
    client_id: client.clientId,
    scope: formatScope(scope),
    auth_time: authTime,
    sid: grant.id,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(ctx.issuer)
    .setSubject(user.id)
    .setAudience(ctx.issuer)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ctx.settings.accessTokenTtlSeconds)
    .setJti(crypto.randomUUID())
    .sign(key.privateKey);

  const response: TokenResponse = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: ctx.settings.accessTokenTtlSeconds,
    scope: formatScope(scope),
  };

  if (scope.includes('openid')) {
    // OIDC Core §2 and §3.1.3.6: at_hash is the left half of SHA-256 of the access token.
    const atHash = createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
    const claims: Record<string, unknown> = { auth_time: authTime, at_hash: atHash, sid: grant.id };
    if (input.nonce !== undefined) claims.nonce = input.nonce;
    if (scope.includes('profile')) claims.name = user.name;
    if (scope.includes('email')) Object.assign(claims, { email: user.email, email_verified: true });
    response.id_token = await new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(ctx.issuer)
      .setSubject(user.id)
      .setAudience(client.clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ctx.settings.idTokenTtlSeconds)
      .sign(key.privateKey);
  }

  if (!input.refreshToken) return { response };
  const refreshToken = randomBytes(32).toString('base64url');
  response.refresh_token = refreshToken;
  return { response, refreshTokenHash: hashSecret(refreshToken) };
}

/** Whether this client may hold refresh tokens for this scope (`offline_access` asked and allowed). */
export function mayRefresh(client: ClientRecord, scope: readonly string[]): boolean {
  return scope.includes('offline_access') && client.grantTypes.includes('refresh_token');
}
