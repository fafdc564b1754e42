import type { CoreContext } from './context';
import { signInTopic } from './device-events';

/**
 * Ending sign-ins, one way everywhere: the grant and every refresh token of it are revoked, and
 * a device watching it on the push channel hears `{"type":"session","status":"ended"}` at once,
 * on any instance. Its access tokens carry the grant as `sid`, so userinfo, introspection and
 * revocation refuse them from that moment (`tokens/verify.ts`), expired or not.
 */
export async function endSignIn(ctx: CoreContext, grantId: string, now: number): Promise<boolean> {
  const revoked = await ctx.store.revokeGrant(grantId, now);
  if (revoked) tellSignInEnded(ctx, grantId);
  return revoked;
}

/** For a grant the store revoked in a step of its own (refresh-token reuse): tell its device. */
export function tellSignInEnded(ctx: CoreContext, grantId: string): void {
  ctx.events.publish(signInTopic(grantId), 'ended');
}

/**
 * Re-pairing replaces: every live sign-in of this client on this device (its stable
 * `device_id`), whoever approved it, ends, so a kiosk reloaded or paired again leaves one card
 * on "Devices and apps", not one per pairing (issue 11).
 */
export async function replaceDeviceSignIns(ctx: CoreContext, clientId: string, deviceIdHash: string, now: number): Promise<void> {
  for (const grantId of await ctx.store.revokeDeviceGrants(clientId, deviceIdHash, now)) tellSignInEnded(ctx, grantId);
}

/**
 * "This wasn't me" (RFC 10027's revocation by the person who was tricked): everything that
 * approval issued ends, at once. Before the device collected its tokens the code is denied (the
 * device hears `denied` and gets `access_denied`); after, the grant is ended as above. Only the
 * person's own approvals; false when there was nothing left to end. The redemption stores the
 * grant in the same step that spends the code, so one of the two always finds it.
 */
export async function disownSignIn(ctx: CoreContext, grantId: string, userId: string): Promise<boolean> {
  const now = ctx.now();
  const withdrawn = await ctx.store.withdrawDeviceApproval(grantId, userId, now);
  if (withdrawn) {
    ctx.events.publish(withdrawn.deviceCodeHash, 'denied');
    return true;
  }
  const grant = await ctx.store.findGrant(grantId);
  if (!grant || grant.userId !== userId) return false;
  return endSignIn(ctx, grantId, now);
}
