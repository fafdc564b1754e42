import { formatUserCode, normalizeUserCode } from '@pairgate/shared';
import { enterCode } from '../forms/activate';
import type { FormContext } from '../forms/types';
import type { ActivateScreen, CodeProblem, DoneScreen, PageRequest } from './types';
import { signedIn, SIGNED_OUT, takeFlash } from './viewer';

/** Longest `user_code` read from a link: the code input's own `maxLength`. */
const MAX_TYPED = 32;

/**
 * GET /activate, the `verification_uri` (RFC 8628 §3.2), and the QR link
 * `/activate?user_code=…` (`verification_uri_complete`, §3.3.1).
 *
 * The link enters its code exactly as the form does (`enterCode`): under the same guessing
 * limits (a link that reaches the confirm screen tells a live code from a dead one as well as
 * the form does, RFC 8628 §5.1), and on to the confirm screen, where the person sees what they
 * approve and decides with a CSRF-protected POST (§5.4). A GET never decides.
 */
export async function activateScreen(ctx: FormContext, req: PageRequest, linkCode: string | undefined): Promise<ActivateScreen> {
  const signed = await signedIn(ctx, req);
  if (!signed) return SIGNED_OUT;
  const { session, viewer } = signed;

  const typed = linkCode?.trim().slice(0, MAX_TYPED);
  if (typed) {
    const entered = await enterCode(ctx, session, typed, req.clientIp, req.now);
    if (entered.kind === 'redirect') return { kind: 'redirect', location: entered.location };
    // Blocked before the look-up: the code stays in the form for when the wait is over.
    const retryAfterSeconds = entered.kind === 'page' ? (entered.retryAfterSeconds ?? 60) : 60;
    return { kind: 'form', viewer, prefill: prefillOf(typed), problem: { kind: 'too-many-tries', retryAfterSeconds } };
  }

  const { flash, typedCode } = await takeFlash(ctx, session, req.now);
  const problem: CodeProblem | undefined = flash === 'wrong-code' ? { kind: 'wrong-code' } : flash === 'not-a-code' ? { kind: 'not-a-code' } : undefined;
  // A refused code comes back exactly as it was typed, so one wrong letter is one letter to fix.
  return { kind: 'form', viewer, prefill: problem ? (typedCode ?? '') : '', problem };
}

/** A possible code in its display form (`BCDF-GHJK`); anything else as it came. */
function prefillOf(typed: string): string {
  const code = normalizeUserCode(typed);
  return code ? formatUserCode(code) : typed;
}

/**
 * GET /activate/done: the outcome of the last decision, kept in the server-side session, and
 * after an approval "This wasn't me" (its grant stays in the session, never in the page).
 */
export async function doneScreen(ctx: FormContext, req: PageRequest): Promise<DoneScreen> {
  const signed = await signedIn(ctx, req);
  if (!signed) return SIGNED_OUT;
  const { result, approvedGrant } = signed.session.data;
  return { kind: 'result', viewer: signed.viewer, result, canDisown: result?.kind === 'approved' && approvedGrant !== undefined };
}
