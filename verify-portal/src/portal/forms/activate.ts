import { normalizeUserCode, userCodeKind } from '@pairgate/shared';
import { blockedBy, peekAll, recordFailure, slidingCount, type LimitCheck } from '../../limits/rate-limit';
import { networkOf } from '../../net/address';
import { checkCsrf, saveSessionData, sessionFromSecret, type ActivateResult, type ActiveSession } from '../session';
import { formExpired, loginThen, redirect, tooManyTries, type FormContext, type FormHandler, type FormResult } from './types';
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
 * person must see what they approve), under the guessing limits of `enterCode`.
 */
export const activate: FormHandler = async (ctx, req) => {
  const session = await sessionFromSecret(ctx.store, req.cookies.get(ctx.names.session), req.now);
  if (!session) return redirect(loginThen('/activate'));
  if (!checkCsrf(session.secret, 'session', req.form.get('csrf'))) return formExpired();
  return enterCode(ctx, session, req.form.get('user_code') ?? '', req.clientIp, req.now);
};

/**
 * A code entered by a signed-in person → where to go next, under the guessing limits. Shared
 * by POST /activate and the QR link (GET /activate?user_code=…, see portal/loaders/activate.ts):
 * a link that lands on the confirm screen is as good an oracle as the form, so it counts alike.
 *
 * Every wrong code counts against the session, the account, the network and everyone; the
 * session's and the account's own budgets always apply, the shared ones (network, global) only
 * once the account is failing (see "Wrong user codes" in portal/defaults.ts): someone who has
 * not guessed is never held back by someone who has. A digit code has a network and a global
 * budget of its own, and meets them always. Blocked callers are refused before the look-up,
 * right code or not.
 */
export async function enterCode(ctx: FormContext, session: ActiveSession, typed: string, clientIp: string, now: number): Promise<FormResult> {
  const { limits } = ctx.settings;
  const code = normalizeUserCode(typed);
  // A digit code counts against the digit budgets, always: the smaller space affords no trusted
  // guesses (see "Digit codes" in portal/defaults.ts).
  const digits = code !== undefined && userCodeKind(code) === 'digits';
  const own: LimitCheck[] = [
    { rule: limits.codePerSession, subject: session.record.idHash },
    { rule: limits.codePerAccount, subject: session.record.userId },
  ];
  const shared: LimitCheck[] = [
    { rule: digits ? limits.codePerNetworkDigits : limits.codePerNetwork, subject: networkOf(clientIp) },
    { rule: digits ? limits.codeGlobalDigits : limits.codeGlobal, subject: 'all' },
  ];
  const checks = [...own, ...shared];
  const counts = await peekAll(ctx.store, checks, now);
  const accountFailures = slidingCount(counts[1] ?? { current: 0, previous: 0 }, limits.codePerAccount.windowMs, now);
  const failing = digits || accountFailures >= ctx.settings.codeTrustedBelow;
  const blocked = failing ? blockedBy(checks, counts, now) : blockedBy(own, counts.slice(0, own.length), now);
  if (blocked !== undefined) return tooManyTries(blocked);

  // Put back in the input with the error, so one wrong letter is one letter to fix.
  const typedCode = typed.trim().slice(0, 32);
  if (!code) {
    // Not a possible code (wrong length, digits, vowels): a typo, not a guess; nothing to count.
    await saveSessionData(ctx.store, session, { flash: 'not-a-code', typedCode }, now);
    return redirect('/activate');
  }
  const found = await ctx.provider.lookupUserCode(code);
  if (!found.ok) {
    if (found.reason === 'unknown') {
      await recordFailure(ctx.store, checks, now);
      await saveSessionData(ctx.store, session, { flash: 'wrong-code', typedCode }, now);
      return redirect('/activate');
    }
    await saveSessionData(ctx.store, session, { result: resultForReason(found.reason) }, now);
    return redirect('/activate/done');
  }
  await saveSessionData(ctx.store, session, { confirming: code }, now);
  return redirect('/activate/confirm');
}
