import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ClientRecord, GrantRecord, UserRecord } from '../../store/store';
import type { CoreContext } from '../context';

export interface IdTokenInput {
  client: ClientRecord;
  user: UserRecord;
  grant: Pick<GrantRecord, 'id' | 'authTime'>;
  scope: readonly string[];
  nonce?: string | undefined;
  /** The access token issued alongside: its `at_hash` goes in (OIDC Core §3.1.3.6, §3.2.2.10, §3.3.2.11). */
  accessToken?: string | undefined;
  /** The code issued alongside by the authorization endpoint (hybrid flow): its `c_hash` goes in (§3.3.2.11). */
  code?: string | undefined;
}

/**
 * OIDC Core §3.1.3.6 / §3.3.2.11 `at_hash` and `c_hash`: the left half of the hash of the ASCII
 * octets, with the hash of the ID token's `alg` (SHA-256 for ES256), base64url-encoded.
 */
export function leftHalfHash(value: string): string {
  return createHash('sha256').update(value, 'ascii').digest().subarray(0, 16).toString('base64url');
}

/**
 * Signs an OIDC ID token (Core §2): the person, the client as `aud`, `auth_time`, `sid` (the
 * grant), the nonce of the request, the hashes of what travels with it, and the profile and
 * email claims the scope allows (§5.4).
 */
export async function signIdToken(ctx: CoreContext, input: IdTokenInput): Promise<string> {
  const key = await ctx.keys.signingKey();
  const iat = Math.floor(ctx.now() / 1000);
  const claims: Record<string, unknown> = { auth_time: Math.floor(input.grant.authTime / 1000), sid: input.grant.id };
  if (input.accessToken !== undefined) claims.at_hash = leftHalfHash(input.accessToken);
  if (input.code !== undefined) claims.c_hash = leftHalfHash(input.code);
  if (input.nonce !== undefined) claims.nonce = input.nonce;
  if (input.scope.includes('profile')) claims.name = input.user.name;
  if (input.scope.includes('email')) Object.assign(claims, { email: input.user.email, email_verified: true });
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(ctx.issuer)
    .setSubject(input.user.id)
    .setAudience(input.client.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ctx.settings.idTokenTtlSeconds)
    .sign(key.privateKey);
}
