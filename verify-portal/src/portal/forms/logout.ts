import { hashSecret } from '../../crypto/hash';
import { safeNextPath } from '../safe-next';
import { checkCsrf, clearCookie } from '../session';
import { formExpired, redirect, type FormHandler } from './types';

/**
 * POST /logout: deletes the server-side session record and the cookie. With `next` (a path on
 * this site only) the sign-in page goes on there: "not you? Switch" on the confirm screen
 * comes back to the same code under the other account.
 */
export const logout: FormHandler = async (ctx, req) => {
  const secret = req.cookies.get(ctx.names.session);
  if (!checkCsrf(secret, 'session', req.form.get('csrf'))) return formExpired();
  await ctx.store.deleteSession(hashSecret(secret!));
  const next = req.form.get('next');
  const then = next ? `&next=${encodeURIComponent(safeNextPath(next))}` : '';
  return redirect(`/login?signed_out=1${then}`, [clearCookie(ctx.names.session, ctx.secure)]);
};
