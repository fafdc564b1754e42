import { sameNetwork } from '../../net/address';
import type { Provider } from '../../oauth/provider';
import type { DeviceCodeRecord } from '../../store/store';
import { resultForReason } from '../forms/activate';
import type { FormContext } from '../forms/types';
import type { ActivateResult } from '../session';
import type { ConfirmDetails, ConfirmScreen, PageRequest } from './types';
import { signedIn, SIGNED_OUT } from './viewer';

/**
 * GET /activate/confirm — the anti-phishing screen (RFC 8628 §3.3.1, §5.4). The code comes from
 * the session (set by code entry, typed or from the QR link), never from this URL. Showing it
 * tells the waiting device, once per view (`tellDeviceItIsOpen`).
 */
export async function confirmScreen(ctx: FormContext, req: PageRequest): Promise<ConfirmScreen> {
  const signed = await signedIn(ctx, req);
  if (!signed) return SIGNED_OUT;
  const { session, viewer } = signed;
  const code = session.data.confirming;
  if (!code) return { kind: 'result', viewer, result: session.data.result };
  const screen = await confirmDetailsFor(ctx, code, req.clientIp);
  if (screen.kind === 'result') return { kind: 'result', viewer, result: screen.result };
  tellDeviceItIsOpen(ctx.provider, screen.record);
  return { kind: 'confirm', viewer, details: screen.details, now: req.now };
}

/**
 * What the confirm screen shows for a code, seen from the phone at `phoneAddress`: the device's
 * own name and model, the app's registered name, when it asked, what it may do, and whether it
 * is on the phone's network — or why the code cannot be decided on. A read: nothing changes.
 */
export async function confirmDetailsFor(
  ctx: Pick<FormContext, 'provider' | 'store'>,
  code: string,
  phoneAddress: string,
): Promise<{ kind: 'confirm'; details: ConfirmDetails; record: DeviceCodeRecord } | { kind: 'result'; result: ActivateResult }> {
  const found = await ctx.provider.lookupUserCode(code);
  if (!found.ok) return { kind: 'result', result: resultForReason(found.reason) };
  const { record } = found;
  const client = await ctx.store.findClient(record.clientId);
  const details: ConfirmDetails = {
    userCode: record.userCode,
    deviceName: record.deviceName,
    deviceModel: record.deviceModel,
    appName: client?.name ?? record.clientId,
    requestedAt: record.createdAt,
    scopes: record.scope.split(' ').filter(Boolean),
    network: networkOf(record.clientIp, phoneAddress),
  };
  return { kind: 'confirm', details, record };
}

/** The device's address (recorded at /oauth/device/code) against the phone's, by network prefix, not as strings. */
function networkOf(deviceAddress: string | null, phoneAddress: string): ConfirmDetails['network'] {
  if (!deviceAddress || !phoneAddress) return 'unknown';
  return sameNetwork(deviceAddress, phoneAddress) ? 'same' : 'different';
}

/**
 * Push: tells the device waiting on this code that a phone shows its confirm screen, so it can
 * say "Continue on your phone" (Pairgate's device channel; RFC 8628 has no such state). A hint
 * only — tokens still come from polling. Called once per confirm view, from `confirmScreen` only.
 */
function tellDeviceItIsOpen(provider: Provider, record: DeviceCodeRecord): void {
  provider.context.events.publish(record.deviceCodeHash, 'opened');
}
