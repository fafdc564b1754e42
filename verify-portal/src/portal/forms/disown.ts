import { checkCsrf, saveSessionData, sessionFromSecret } from '../session';
import { badRequest, formExpired, loginThen, redirect, type FormHandler } from './types';

/**
 * POST /activate/done: "This wasn't me" on the result page, right after an approval (RFC
 * 10027). Ends everything that approval issued — the device code denied if the device has not
 * collected its tokens yet, else its grant revoked — and the screen is told at once. The grant
 * comes from this session (the approval it just made), never from the form.
 */
export const disown: FormHandler = async (ctx, req) => {
  const session = await sessionFromSecret(ctx.store, req.cookies.get(ctx.names.session), req.now);
  if (!session) return redirect(loginThen('/activate'));
  if (!checkCsrf(session.secret, 'session', req.form.get('csrf'))) return formExpired();
  const grantId = session.data.approvedGrant;
  if (!grantId) return badRequest();
  await ctx.provider.disownSignIn(grantId, session.record.userId);
  // Done either way: whatever that approval issued is over now (or was already).
  const { approvedGrant: _spent, ...rest } = session.data;
  await saveSessionData(ctx.store, session, { ...rest, result: { kind: 'disowned' } }, req.now);
  return redirect('/activate/done');
};
