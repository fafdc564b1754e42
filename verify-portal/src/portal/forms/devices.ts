import { checkCsrf, saveSessionData, sessionFromSecret } from '../session';
import { formExpired, loginThen, redirect, type FormHandler } from './types';

/**
 * POST /account/devices: "Sign out this device" (`grant_id`) ends that sign-in — its grant and
 * refresh tokens revoked, its access tokens refused by userinfo and introspection from now on
 * (they carry the grant as `sid`), and a device watching the push channel told at once, so the
 * screen goes back to a new code. "This wasn't me" (`grant_id` + `disown=1`, RFC 10027) does the
 * same for an approval the person did not make, and says so. "Sign out everywhere else"
 * (`everywhere=1`) ends every device and app sign-in of this person. The portal session of this
 * browser is not a device sign-in and stays: "else" is the phone the person is holding. Only
 * the signed-in person's own grants.
 */
export const devices: FormHandler = async (ctx, req) => {
  const session = await sessionFromSecret(ctx.store, req.cookies.get(ctx.names.session), req.now);
  if (!session) return redirect(loginThen('/account/devices'));
  if (!checkCsrf(session.secret, 'session', req.form.get('csrf'))) return formExpired();

  if (req.form.get('everywhere') === '1') {
    const grants = await ctx.store.listActiveGrants(session.record.userId);
    for (const grant of grants) await ctx.provider.endSignIn(grant.id);
    await saveSessionData(ctx.store, session, { ...session.data, flash: 'signed-out-everywhere' }, req.now);
    return redirect('/account/devices');
  }

  const grantId = req.form.get('grant_id') ?? '';
  const disown = req.form.get('disown') === '1';
  const grant = grantId ? await ctx.store.findGrant(grantId) : undefined;
  // Someone else's grant looks exactly like a missing one.
  const ended =
    grant !== undefined &&
    grant.userId === session.record.userId &&
    grant.revokedAt === null &&
    (disown ? await ctx.provider.disownSignIn(grant.id, session.record.userId) : await ctx.provider.endSignIn(grant.id));
  await saveSessionData(ctx.store, session, { ...session.data, flash: ended ? (disown ? 'device-disowned' : 'device-signed-out') : 'device-not-found' }, req.now);
  return redirect('/account/devices');
};
