import { formatScope, OAuthError, oauthError, parseScope, type OAuthErrorBody } from '@pairgate/shared';
import { hashSecret } from '../../crypto/hash';
import { apiAudiences } from '../audience';
import { requiredParam } from '../http/params';
import { newGrant } from '../new-grant';
import { grantedScopes, refreshUntil } from '../proximity';
import { issueFirstTokens } from '../tokens/issue';
import type { GrantHandler } from './types';

/**
 * The answer to almost every poll, made once: creating an Error captures a stack trace, which
 * is a measurable share of a pending poll, and this one never varies.
 */
const AUTHORIZATION_PENDING = oauthError.authorizationPending();

/**
 * `authorization_pending` with the number-matching number (RFC 10027; push carries it too, see
 * shared/src/push.ts) as the extension member `pairgate_match`, for devices that only poll. RFC
 * 6749 §5.2 lets a response carry more members and clients ignore what they do not know, so a
 * standard client just keeps polling. It is the device's own code's number: nobody else gets it.
 */
export class PendingWithNumberMatch extends OAuthError {
  constructor(readonly matchNumber: string) {
    super('authorization_pending', 'The user has not yet approved this device; show the number to match.', { status: 400 });
  }

  override toJSON(): OAuthErrorBody & { pairgate_match: string } {
    return { ...super.toJSON(), pairgate_match: this.matchNumber };
  }
}

/**
 * RFC 8628 §3.4–3.5: the device polls with its device code until the person decides.
 * The poll is recorded atomically (interval accounting), and redemption is an atomic
 * approved → redeemed change, so exactly one of any number of racing polls gets tokens.
 */
export const deviceCodeGrant: GrantHandler = async (ctx, client, params) => {
  const deviceCode = requiredParam(params, 'device_code');
  // RFC 8707 §2: checked before the poll counts, so a bad resource never uses up the code.
  const apis = apiAudiences(params, client);
  const hash = hashSecret(deviceCode);
  const now = ctx.now();
  const polled = await ctx.store.recordDevicePoll(hash, now);
  // A code of another client is answered exactly like an unknown one.
  if (!polled || polled.record.clientId !== client.clientId) throw oauthError.invalidGrant('Unknown device code.');
  const { record, tooFast } = polled;

  switch (record.status) {
    case 'redeemed':
      throw oauthError.invalidGrant('This device code has already been used.');
    case 'denied':
      throw oauthError.accessDenied();
    case 'pending':
    case 'approved':
      break;
  }
  if (now >= record.expiresAt) {
    ctx.metrics.deviceCode('expired');
    throw oauthError.expiredToken();
  }
  // RFC 8628 §3.5: slow_down adds 5 s to this and every later poll (the store raised it).
  // An approved code is never slowed down: a device told of the approval should get its tokens.
  if (tooFast) throw oauthError.slowDown(record.interval);
  if (record.status === 'pending') throw record.numberMatch ? new PendingWithNumberMatch(record.numberMatch.number) : AUTHORIZATION_PENDING;

  const user = record.userId === null ? undefined : await ctx.store.findUserById(record.userId);
  if (!user) throw oauthError.invalidGrant('The approving account no longer exists.');
  // RFC 10027 limited grants: a remote approval without number matching keeps the client's
  // remote scopes only, and stops refreshing after its remote lifetime (proximity.ts).
  const scope = grantedScopes(client, record.approval, parseScope(record.scope) ?? []);
  const approval = record.approval;
  const grant = newGrant(
    {
      id: approval?.grantId,
      userId: user.id,
      clientId: client.clientId,
      scope: formatScope(scope),
      deviceName: record.deviceName,
      deviceModel: record.deviceModel,
      authTime: record.decidedAt ?? now,
      deviceIdHash: record.deviceIdHash,
      approval: approval && { proximity: approval.proximity, policy: approval.policy, numberMatched: approval.numberMatched },
      refreshUntil: refreshUntil(client, approval, now),
    },
    now,
  );
  // Spends the code and stores the grant in one step (a "This wasn't me" racing it finds one or the other).
  const redeemed = await ctx.store.redeemDeviceCode(hash, grant, now);
  if (!redeemed) throw oauthError.invalidGrant('This device code has already been used.');
  const tokens = await issueFirstTokens(ctx, { grant, client, user, scope, apis });
  ctx.metrics.deviceCode('redeemed');
  // decidedAt is the approval, stamped by whichever instance's clock took it (as `now` here).
  if (redeemed.decidedAt !== null) ctx.metrics.approvalToToken((ctx.now() - redeemed.decidedAt) / 1000);
  return tokens;
};
