import { checkCsrf, saveSessionData, sessionFromSecret } from '../session';
import { formExpired, loginThen, redirect, type FormHandler } from './types';

/**
 * POST /account/devices: "Sign out this device" (`grant_id`) revokes that grant and all its
 * refresh tokens; "Sign out everywhere else" (`everywhere=1`) does so for every device and app
 * sign-in of this person. Either way the device fails at its next refresh with `invalid_grant`;
 * its access token, at most `accessTokenTtlSeconds` old, runs out on its own (JWTs cannot be
 * recalled, RFC 9068). The portal session of this browser is not a device sign-in and stays:
 * "else" is the phone the person is holding. Only the signed-in person's own grants.
 */
export const devices: FormHandler = async (ctx, req) => {
  const session = await sessionFromSecret(ctx.store, req.cookies.get(ctx.names.session), req.now);
  if (!session) return redirect(loginThen('/account/devices'));
  if (!checkCsrf(session.secret, 'session', req.form.get('csrf'))) return formExpired();

  if (req.form.get('everywhere') === '1') {
    const grants = await ctx.store.listActiveGrants(session.record.userId);
    for (const grant of grants) await ctx.store.revokeGrant(grant.id, req.now);
    await saveSessionData(ctx.store, session, { ...session.data, flash: 'signed-out-everywhere' }, req.now);
    return redirect('/account/devices');
  }

  const grantId = req.form.get('grant_id') ?? '';
  const grant = grantId ? await ctx.store.findGrant(grantId) : undefined;
  // Someone else's grant looks exactly like a missing one.
  const revoked = grant && grant.userId === session.record.userId && grant.revokedAt === null && (await ctx.store.revokeGrant(grant.id, req.now));
  await saveSessionData(ctx.store, session, { ...session.data, flash: revoked ? 'device-signed-out' : 'device-not-found' }, req.now);
  return redirect('/account/devices');
};
