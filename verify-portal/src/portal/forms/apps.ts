import { checkCsrf, saveSessionData, sessionFromSecret } from '../session';
import { formExpired, loginThen, redirect, type FormHandler } from './types';

/**
 * POST /account/apps: "Withdraw" a remembered consent (OIDC Core §3.1.2.4). The app is signed
 * out too (its grants and refresh tokens revoked), and its next sign-in asks again. Only the
 * signed-in person's own consents.
 */
export const apps: FormHandler = async (ctx, req) => {
  const session = await sessionFromSecret(ctx.store, req.cookies.get(ctx.names.session), req.now);
  if (!session) return redirect(loginThen('/account/devices'));
  if (!checkCsrf(session.secret, 'session', req.form.get('csrf'))) return formExpired();

  const clientId = (req.form.get('client_id') ?? '').slice(0, 256);
  const withdrawn = clientId !== '' && (await ctx.provider.withdrawConsent(session.record.userId, clientId));
  await saveSessionData(ctx.store, session, { ...session.data, flash: withdrawn ? 'consent-withdrawn' : 'consent-not-found' }, req.now);
  return redirect('/account/devices');
};
