import { normalizeUserCode } from '@pairgate/shared';
import type { ApprovalResult } from '../../oauth/device-decisions';
import { checkCsrf, saveSessionData, sessionFromSecret, type ActivateResult, type SessionData } from '../session';
import { resultForReason } from './activate';
import { badRequest, formExpired, loginThen, redirect, type FormContext, type FormHandler } from './types';

/** A number-matching pick as the form sends it: two digits, nothing else (the right one is never in the form). */
const PICK = /^[1-9][0-9]$/;

/**
 * POST /activate/confirm: Approve, Deny, or on a number-matching step the number picked
 * (RFC 8628 §3.3; RFC 10027). The core checks the client's proximity policy against this
 * request's address and the pick against the number stored with the code; exactly one decision
 * per code wins. A second submit, or a decision on an expired, used or denied code, lands on a
 * result page that says so; an approval that now needs a number goes back to the confirm screen.
 */
export const confirm: FormHandler = async (ctx, req) => {
  const session = await sessionFromSecret(ctx.store, req.cookies.get(ctx.names.session), req.now);
  if (!session) return redirect(loginThen('/activate'));
  if (!checkCsrf(session.secret, 'session', req.form.get('csrf'))) return formExpired();

  const decision = req.form.get('decision');
  // Only a code this session was shown on the confirm screen (after /activate, with its
  // guessing limits, RFC 8628 §5.1) can be decided here, or the one it just decided (a second
  // submit, which the result page then explains). Posting guesses here gets nowhere.
  const submitted = normalizeUserCode(req.form.get('user_code') ?? '');
  const code = submitted !== undefined && (submitted === session.data.confirming || submitted === session.data.decided) ? submitted : undefined;
  const picked = decision === 'pick' ? req.form.get('number') : undefined;
  if (!code || (decision !== 'approve' && decision !== 'deny' && !(decision === 'pick' && picked && PICK.test(picked)))) return badRequest();

  const outcome: ApprovalResult =
    decision === 'deny'
      ? await ctx.provider.deny(code)
      : await ctx.provider.approve(code, session.record.userId, { address: req.clientIp, pickedNumber: picked ?? undefined });
  if (!outcome.ok && outcome.reason === 'needs-match') return redirect('/activate/confirm');

  const data: SessionData = { result: await resultOf(ctx, outcome, decision === 'deny' ? 'denied' : 'approved'), decided: code };
  if (outcome.ok && outcome.record.approval) data.approvedGrant = outcome.record.approval.grantId;
  await saveSessionData(ctx.store, session, data, req.now);
  return redirect('/activate/done');
};

async function resultOf(ctx: FormContext, outcome: ApprovalResult, made: 'approved' | 'denied'): Promise<ActivateResult> {
  if (outcome.ok) {
    const client = await ctx.store.findClient(outcome.record.clientId);
    return { kind: made, deviceName: outcome.record.deviceName, deviceModel: outcome.record.deviceModel, clientName: client?.name ?? outcome.record.clientId };
  }
  switch (outcome.reason) {
    case 'refused':
    case 'wrong-number':
      return { kind: outcome.reason };
    case 'needs-match':
      return { kind: 'unknown' }; // handled before: the confirm screen shows the choices
    default:
      return resultForReason(outcome.reason);
  }
}
