import { randomBytes } from 'node:crypto';
import { formatScope } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import type { CoreContext } from '../context';

export interface CodeInput {
  clientId: string;
  userId: string;
  redirectUri: string;
  scope: readonly string[];
  nonce: string | undefined;
  codeChallenge: string | undefined;
  authTime: number;
}

/**
 * Mints an authorization code (RFC 6749 §4.1.2): 256 random bits, stored only as its hash,
 * valid for `authorizationCodeTtlSeconds`, bound to everything the token request must match.
 * The grant id is fixed now, so a second redemption can revoke what the first issued.
 */
export async function issueAuthorizationCode(ctx: CoreContext, input: CodeInput): Promise<{ code: string; grantId: string }> {
  const code = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const grantId = crypto.randomUUID();
  await ctx.store.insertAuthorizationCode({
    codeHash: hashSecret(code),
    clientId: input.clientId,
    userId: input.userId,
    redirectUri: input.redirectUri,
    scope: formatScope(input.scope),
    nonce: input.nonce ?? null,
    codeChallenge: input.codeChallenge ?? null,
    authTime: input.authTime,
    grantId,
    createdAt: now,
    expiresAt: now + ctx.settings.authorizationCodeTtlSeconds * 1000,
    redeemedAt: null,
  });
  return { code, grantId };
}
