import { normalizeUserCode } from '@pairgate/shared';
import { checkCsrf, saveSessionData, sessionFromSecret, type ActivateResult } from '../session';
import { resultForReason } from './activate';
import { badRequest, formExpired, loginThen, redirect, type FormHandler } from './types';

/**
 * POST /activate/confirm: Approve or Deny (RFC 8628 §3.3). The core lets exactly one decision
 * per code win; a second submit, or a decision on an expired, used or denied code, lands on a
 * result page that says so.
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
  if ((decision !== 'approve' && decision !== 'deny') || !code) return badRequest();

  const outcome = decision === 'approve' ? await ctx.provider.approve(code, session.record.userId) : await ctx.provider.deny(code);
  let result: ActivateResult;
  if (outcome.ok) {
    const client = await ctx.store.findClient(outcome.record.clientId);
    result = {
      kind: decision === 'approve' ? 'approved' : 'denied',
      deviceName: outcome.record.deviceName,
      deviceModel: outcome.record.deviceModel,
      clientName: client?.name ?? outcome.record.clientId,
    };
  } else {
    result = resultForReason(outcome.reason);
  }
  await saveSessionData(ctx.store, session, { result, decided: code }, req.now);
  return redirect('/activate/done');
};
