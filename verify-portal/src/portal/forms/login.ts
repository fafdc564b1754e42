import { hashSecret } from '../../crypto/hash';
import { checkPassword, strongerHash } from '../../crypto/password';
import { admitSignIn, signInFailed, signInSubjects, signInSucceeded } from '../../limits/sign-in';
import { safeNextPath } from '../safe-next';
import { checkCsrf, clearCookie, createSession, isWellFormedSecret, sessionCookie } from '../session';
import { formExpired, redirect, tooManyTries, type FormHandler } from './types';

/** Longest email (RFC 5321 §4.5.3.1 path limit) and password we read; longer is simply wrong. */
const MAX_EMAIL = 254;
const MAX_PASSWORD = 1024;

/**
 * POST /login: email + password → a fresh server-side session, then back to `next` (a path on
 * this site only). Failures slow the account down progressively and count against the client's
 * network (`src/limits/sign-in.ts`, shared with the password grant).
 */
export const login: FormHandler = async (ctx, req) => {
  // Before sign-in the CSRF token is bound to the pre-session cookie set with the login page.
  if (!checkCsrf(req.cookies.get(ctx.names.preSession), 'login', req.form.get('csrf'))) return formExpired();

  const email = (req.form.get('email') ?? '').trim().toLowerCase().slice(0, MAX_EMAIL);
  const password = (req.form.get('password') ?? '').slice(0, MAX_PASSWORD);
  const next = safeNextPath(req.form.get('next'));

  const subjects = signInSubjects(email, req.clientIp);
  const blocked = await admitSignIn(ctx.store, subjects, req.now);
  if (blocked !== undefined) return tooManyTries(blocked);

  const user = email ? await ctx.store.findUserByEmail(email) : undefined;
  const ok = await checkPassword(password, user?.passwordHash, ctx.settings.scryptLog2N);
  if (!user || !ok) {
    await signInFailed(ctx.store, subjects, req.now);
    // The same message whether or not the account exists. A re-authentication (prompt=login,
    // max_age) stays one, or a signed-in person would be waved through to `next`.
    const reauth = req.form.get('reauth') === '1' ? '&reauth=1' : '';
    return redirect(`/login?error=credentials${reauth}&next=${encodeURIComponent(next)}`);
  }

  await signInSucceeded(ctx.store, subjects);
  const upgraded = await strongerHash(password, user.passwordHash, ctx.settings.scryptLog2N);
  if (upgraded) await ctx.store.updatePasswordHash(user.id, upgraded);
  // No session fixation: whatever session this browser had is dropped, and a new id is issued.
  const previous = req.cookies.get(ctx.names.session);
  if (isWellFormedSecret(previous)) await ctx.store.deleteSession(hashSecret(previous));
  const { secret } = await createSession(ctx.store, user.id, req.now, ctx.settings.sessionTtlMs);
  return redirect(next, [sessionCookie(ctx.names, secret, ctx.settings.sessionTtlMs, ctx.secure), clearCookie(ctx.names.preSession, ctx.secure)]);
};
