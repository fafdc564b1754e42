import { sameNetwork } from '../../net/address';
import type { Confirmation } from '../../oauth/device-decisions';
import { resultForReason } from '../forms/activate';
import type { FormContext } from '../forms/types';
import { saveSessionData, type ActivateResult } from '../session';
import type { ConfirmDetails, ConfirmScreen, PageRequest } from './types';
import { signedIn, SIGNED_OUT } from './viewer';

/**
 * GET /activate/confirm — the anti-phishing screen (RFC 8628 §3.3.1, §5.4; RFC 10027). The code
 * comes from the session (set by code entry, typed or from the QR link), never from this URL.
 * Showing it is the core's `openConfirmation`, once per view: the waiting device is told, the
 * client's proximity policy decides what this phone is asked (Approve, a warning, the number
 * choices), and under `deny` a phone that is not near gets a refusal — kept in the session, so
 * a reload shows the refusal again rather than "already denied".
 */
export async function confirmScreen(ctx: FormContext, req: PageRequest): Promise<ConfirmScreen> {
  const signed = await signedIn(ctx, req);
  if (!signed) return SIGNED_OUT;
  const { session, viewer } = signed;
  const code = session.data.confirming;
  if (!code) return { kind: 'result', viewer, result: session.data.result };
  const opened = await ctx.provider.openConfirmation(code, req.clientIp);
  if (opened.ok) return { kind: 'confirm', viewer, details: detailsOf(opened.confirmation, req.clientIp), now: req.now };
  if (opened.reason !== 'refused') return { kind: 'result', viewer, result: resultForReason(opened.reason) };
  const result: ActivateResult = { kind: 'refused' };
  await saveSessionData(ctx.store, session, { result, decided: code }, req.now);
  return { kind: 'result', viewer, result };
}

/**
 * What the confirm screen shows, seen from the phone at `phoneAddress`: the device's own name
 * and model, the app's registered name, when it asked, what it may do, whether it is on the
 * phone's network, and what the person is asked.
 */
function detailsOf(confirmation: Confirmation, phoneAddress: string): ConfirmDetails {
  const { record } = confirmation;
  return {
    userCode: record.userCode,
    deviceName: record.deviceName,
    deviceModel: record.deviceModel,
    appName: confirmation.appName,
    requestedAt: record.createdAt,
    scopes: confirmation.scopes,
    network: networkOf(record.clientIp, phoneAddress),
    step: confirmation.step,
    choices: confirmation.choices,
    limited: confirmation.limited,
  };
}

/** The device's address (recorded at /oauth/device/code) against the phone's, by network prefix, not as strings. */
function networkOf(deviceAddress: string | null, phoneAddress: string): ConfirmDetails['network'] {
  if (!deviceAddress || !phoneAddress) return 'unknown';
  return sameNetwork(deviceAddress, phoneAddress) ? 'same' : 'different';
}
