import { normalizeUserCode } from '@pairgate/shared';
import { blockedFor, recordFailure, type LimitCheck } from '../limits/rate-limit';
import { checkCsrf, saveSessionData, sessionFromSecret, type ActivateResult } from '../session';
import { formExpired, loginThen, redirect, tooManyTries, type FormHandler } from './types';
import type { UndecidableReason } from '../../oauth/device-decisions';

/** Why a code cannot be decided on → the result page that explains it. */
export function resultForReason(reason: UndecidableReason): ActivateResult {
  switch (reason) {
    case 'expired':
      return { kind: 'expired' };
    case 'replaced':
      return { kind: 'replaced' };
    case 'approved':
      return { kind: 'already-approved' };
    case 'denied':
      return { kind: 'already-denied' };
    case 'redeemed':
      return { kind: 'used' };
    case 'unknown':
      return { kind: 'unknown' };
  }
}

/**
 * POST /activate: the typed code → the confirm screen (never a decision: RFC 8628 §5.4, the
 * person must see what they approve). Wrong codes are limited per address, per session and
 * globally (RFC 8628 §5.1); a blocked caller is refused before the look-up, right code or not.
 */
export const activate: FormHandler = async (ctx, req) => {
  const session = await sessionFromSecret(ctx.store, req.cookies.get(ctx.names.session), req.now);
  if (!session) return redirect(loginThen('/activate'));
  if (!checkCsrf(session.secret, 'session', req.form.get('csrf'))) return formExpired();

  const checks: LimitCheck[] = [
    { rule: ctx.settings.limits.codePerIp, subject: req.clientIp },
    { rule: ctx.settings.limits.codePerSession, subject: session.record.idHash },
    { rule: ctx.settings.limits.codeGlobal, subject: 'all' },
  ];
  const blocked = await blockedFor(ctx.store, checks, req.now);
  if (blocked !== undefined) return tooManyTries(blocked);

  const code = normalizeUserCode(req.form.get('user_code') ?? '');
  if (!code) {
    // Not a possible code (wrong length, digits, vowels): a typo, not a guess; nothing to count.
    await saveSessionData(ctx.store, session, { flash: 'not-a-code' }, req.now);
    return redirect('/activate');
  }
  const found = await ctx.provider.lookupUserCode(code);
  if (!found.ok) {
    if (found.reason === 'unknown') {
      await recordFailure(ctx.store, checks, req.now);
      await saveSessionData(ctx.store, session, { flash: 'wrong-code' }, req.now);
      return redirect('/activate');
    }
    await saveSessionData(ctx.store, session, { result: resultForReason(found.reason) }, req.now);
    return redirect('/activate/done');
  }
  await saveSessionData(ctx.store, session, { confirming: code }, req.now);
  return redirect('/activate/confirm');
};
