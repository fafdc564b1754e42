import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { formatScope, type TokenResponse } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import type { ClientRecord, GrantRecord, UserRecord } from '../../store/store';
import { personAudience } from '../audience';
import type { CoreContext } from '../context';
import { signIdToken } from './id-token';

export interface AccessTokenInput {
  client: ClientRecord;
  /** `sub`: the person, or for a client acting on its own behalf the client id (RFC 9068 §2.2). */
  subject: string;
  scope: readonly string[];
  /** `aud`: this server for a person's tokens (userinfo), the API(s) asked for otherwise (RFC 8707 §2). */
  audience: string | readonly string[];
  /**
   * A person's sign-in this token belongs to: `sid` names the grant, so userinfo, revocation and
   * introspection can refuse tokens of a device or app that was signed out; `auth_time` is when
   * the person authenticated. Absent for client credentials: there is no person and no grant.
   */
  grant?: Pick<GrantRecord, 'id' | 'authTime'>;
}

/**
 * Signs an RFC 9068 JWT access token (§2.2: iss, exp, aud, sub, client_id, iat, jti, and scope
 * when one was granted; header `typ: at+jwt`).
 */
export async function signAccessToken(ctx: CoreContext, input: AccessTokenInput): Promise<{ token: string; expiresIn: number }> {
  const key = await ctx.keys.signingKey();
  const iat = Math.floor(ctx.now() / 1000);
  const expiresIn = ctx.settings.accessTokenTtlSeconds;
  const claims: Record<string, unknown> = { client_id: input.client.clientId, scope: formatScope(input.scope) };
  if (input.grant) Object.assign(claims, { auth_time: Math.floor(input.grant.authTime / 1000), sid: input.grant.id });
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(ctx.issuer)
    .setSubject(input.subject)
    .setAudience(audienceClaim(input.audience))
    .setIssuedAt(iat)
    .setExpirationTime(iat + expiresIn)
    .setJti(crypto.randomUUID())
    .sign(key.privateKey);
  return { token, expiresIn };
}

/** RFC 7519 §4.1.3: one audience is a plain string, several an array. */
function audienceClaim(audience: string | readonly string[]): string | string[] {
  if (typeof audience === 'string') return audience;
  const [only, ...more] = audience;
  return only !== undefined && more.length === 0 ? only : [...audience];
}

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
  /**
   * APIs the access token is also for (RFC 8707 §2, `apiAudiences` in `audience.ts`): its `aud`
   * is this server (userinfo) plus these. Default none.
   */
  apis?: readonly string[];
}

/**
 * Mints the token response of a person's grant: an RFC 9068 JWT access token for this server's
 * userinfo and the APIs asked for (`aud` = issuer + `apis`, `sid` = the grant), an OIDC ID token when `openid` was granted, and
 * an opaque refresh token (stored hashed) when asked for.
 */
export async function issueTokens(ctx: CoreContext, input: IssueInput): Promise<{ response: TokenResponse; refreshTokenHash?: string }> {
  const { grant, client, user, scope } = input;
  const audience = personAudience(ctx.issuer, input.apis ?? []);
  const { token: accessToken, expiresIn } = await signAccessToken(ctx, { client, subject: user.id, scope, audience, grant });

  const response: TokenResponse = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: expiresIn,
    scope: formatScope(scope),
  };

  // OIDC Core §3.1.3.3; the token endpoint's ID token carries at_hash (§3.1.3.6), never c_hash.
  if (scope.includes('openid')) response.id_token = await signIdToken(ctx, { client, user, grant, scope, nonce: input.nonce, accessToken });

  if (!input.refreshToken) return { response };
  const refreshToken = randomBytes(32).toString('base64url');
  response.refresh_token = refreshToken;
  return { response, refreshTokenHash: hashSecret(refreshToken) };
}

/**
 * The first tokens of a new grant (a device approval, a code redemption, a password sign-in):
 * mints them, with a refresh token when the client may hold one, and stores that refresh token
 * as the first of the grant's rotation family.
 */
export async function issueFirstTokens(ctx: CoreContext, input: Omit<IssueInput, 'refreshToken'>): Promise<TokenResponse> {
  const { response, refreshTokenHash } = await issueTokens(ctx, { ...input, refreshToken: mayRefresh(input.client, input.scope) });
  if (refreshTokenHash) {
    const now = ctx.now();
    await ctx.store.insertRefreshToken({
      tokenHash: refreshTokenHash,
      grantId: input.grant.id,
      scope: input.grant.scope,
      createdAt: now,
      expiresAt: refreshTokenExpiry(ctx, input.grant, now),
      rotatedAt: null,
      revokedAt: null,
    });
  }
  return response;
}

/**
 * When a refresh token minted at `now` expires: `refreshTokenTtlSeconds` from now (every
 * rotation restarts it), but never past a limited grant's end (`refreshUntil`, RFC 10027).
 */
export function refreshTokenExpiry(ctx: CoreContext, grant: Pick<GrantRecord, 'refreshUntil'>, now: number): number {
  return Math.min(now + ctx.settings.refreshTokenTtlSeconds * 1000, grant.refreshUntil ?? Number.POSITIVE_INFINITY);
}

/** Whether this client may hold refresh tokens for this scope (`offline_access` asked and allowed). */
export function mayRefresh(client: ClientRecord, scope: readonly string[]): boolean {
  return scope.includes('offline_access') && client.grantTypes.includes('refresh_token');
}
