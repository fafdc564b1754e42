import { checkCsrf, saveSessionData, sessionFromSecret } from '../session';
import { formExpired, loginThen, redirect, type FormHandler } from './types';

/**
 * POST /account/devices: "Sign out this device" revokes the grant and all its refresh tokens
 * (the device fails at its next refresh with `invalid_grant`; its access token, at most
 * `accessTokenTtlSeconds` old, runs out on its own — JWTs cannot be recalled, RFC 9068).
 * Only the signed-in person's own grants.
 */
export const devices: FormHandler = async (ctx, req) => {
  const session = await sessionFromSecret(ctx.store, req.cookies.get(ctx.names.session), req.now);
  if (!session) return redirect(loginThen('/account/devices'));
  if (!checkCsrf(session.secret, 'session', req.form.get('csrf'))) return formExpired();

  const grantId = req.form.get('grant_id') ?? '';
  const grant = grantId ? await ctx.store.findGrant(grantId) : undefined;
  // Someone else's grant looks exactly like a missing one.
  const revoked = grant && grant.userId === session.record.userId && grant.revokedAt === null && (await ctx.store.revokeGrant(grant.id, req.now));
  await saveSessionData(ctx.store, session, { ...session.data, flash: revoked ? 'device-signed-out' : 'device-not-found' }, req.now);
  return redirect('/account/devices');
};
