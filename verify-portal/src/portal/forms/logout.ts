import { hashSecret } from '../../crypto/hash';
import { checkCsrf, clearCookie } from '../session';
import { formExpired, redirect, type FormHandler } from './types';

/** POST /logout: deletes the server-side session record and the cookie. */
export const logout: FormHandler = async (ctx, req) => {
  const secret = req.cookies.get(ctx.names.session);
  if (!checkCsrf(secret, 'session', req.form.get('csrf'))) return formExpired();
  await ctx.store.deleteSession(hashSecret(secret!));
  return redirect('/login?signed_out=1', [clearCookie(ctx.names.session, ctx.secure)]);
};
