import { OAuthError } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import { authenticateClient } from '../client-auth';
import type { CoreContext } from '../context';
import { param, requireForm, requiredParam } from '../http/params';
import { json, noStore, type OAuthRequest, type OAuthResponse } from '../http/types';
import { inspectAccessToken } from '../tokens/verify';

/** RFC 7662 §2.2: everything about a token that is not active is this, and only this. */
const INACTIVE = { active: false } as const;

/** A JWS compact serialization: three base64url parts (refresh tokens are one part). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * RFC 7662 token introspection, for confidential clients only (§2.1: the endpoint MUST require
 * authorization, which here is client authentication; public clients have no credential, and
 * §4 wants token scanning made hard). Any authenticated client may ask about any token: the
 * caller already holds the token, typically a resource server checking one it was sent.
 *
 * Active access tokens (JWTs) and refresh tokens (opaque, found by hash) are described; revoked
 * (grant revoked, refresh token rotated or revoked), expired, foreign, malformed and unknown
 * tokens all answer `{"active":false}` and nothing more (§2.2). `token_type_hint` only orders
 * the search (§2.1: an unknown or wrong hint still finds the token).
 */
export async function introspectionEndpoint(ctx: CoreContext, req: OAuthRequest): Promise<OAuthResponse> {
  const params = requireForm(req);
  const client = await authenticateClient(ctx, req, params);
  if (client.tokenEndpointAuthMethod === 'none') {
    throw new OAuthError('invalid_client', 'Public clients may not use the introspection endpoint.', { status: 401 });
  }
  const token = requiredParam(params, 'token');
  const hint = param(params, 'token_type_hint');

  const lookups = hint === 'refresh_token' ? [refreshToken, accessToken] : [accessToken, refreshToken];
  for (const lookup of lookups) {
    const answer = await lookup(ctx, token);
    if (answer) return json(200, answer, { ...noStore });
  }
  return json(200, INACTIVE, { ...noStore });
}

async function accessToken(ctx: CoreContext, token: string): Promise<Record<string, unknown> | undefined> {
  if (!JWT_SHAPE.test(token)) return undefined;
  try {
    const claims = await inspectAccessToken(ctx, token);
    return {
      active: true,
      scope: claims.scope,
      client_id: claims.client_id,
      sub: claims.sub,
      exp: claims.exp,
      iat: claims.iat,
      iss: claims.iss,
      aud: claims.aud,
      // RFC 7662 §2.2: the type as in RFC 6749 §7.1.
      token_type: 'Bearer',
      jti: claims.jti,
    };
  } catch (err) {
    if (err instanceof OAuthError) return undefined;
    throw err;
  }
}

async function refreshToken(ctx: CoreContext, token: string): Promise<Record<string, unknown> | undefined> {
  const record = await ctx.store.findRefreshToken(hashSecret(token));
  if (!record) return undefined;
  const now = ctx.now();
  // A rotated token is spent: presenting it again is reuse (RFC 9700 §4.14.2), never active.
  if (record.revokedAt !== null || record.rotatedAt !== null || now >= record.expiresAt) return INACTIVE;
  const grant = await ctx.store.findGrant(record.grantId);
  if (!grant || grant.revokedAt !== null) return INACTIVE;
  return {
    active: true,
    scope: record.scope,
    client_id: grant.clientId,
    sub: grant.userId,
    exp: Math.floor(record.expiresAt / 1000),
    iat: Math.floor(record.createdAt / 1000),
    iss: ctx.issuer,
  };
}
