import { normalizeUserCode } from '@pairgate/shared';
import type { ClientRecord, DeviceCodeRecord, DeviceDecision, Proximity, ProximityPolicy } from '../store/store';
import type { CoreContext } from './context';
import { drawNumberMatch, grantedScopes, isLimited, proximityOf, stepFor, type ConfirmStep } from './proximity';
import { replaceDeviceSignIns } from './sign-ins';

/**
 * Why a code cannot be decided on: each gets its own page in the portal. `replaced`: the code
 * expired and the same device has shown a new one since, so the person should use that.
 */
export type UndecidableReason = 'unknown' | 'expired' | 'replaced' | 'approved' | 'denied' | 'redeemed';

export type DecisionResult = { ok: true; record: DeviceCodeRecord } | { ok: false; reason: UndecidableReason };

/**
 * Why a decidable code was not approved (RFC 10027, see proximity.ts): `refused` by the client's
 * proximity policy and `wrong-number` (a wrong pick) both deny the code; `needs-match` changes
 * nothing — the phone must show the number choices first (it moved networks since the view).
 */
export type ApprovalRefusal = 'refused' | 'wrong-number' | 'needs-match';

export type ApprovalResult = DecisionResult | { ok: false; reason: ApprovalRefusal };

/** Who approves, from where (the phone's address, as the server saw it) and, on a number-matching step, the number picked. */
export interface Approver {
  userId: string;
  /** Unknown (e.g. a test or a tool approving in-process) counts as not near. */
  address?: string | undefined;
  pickedNumber?: string | undefined;
}

/** What the confirm screen shows for a code, seen from one phone. */
export interface Confirmation {
  record: DeviceCodeRecord;
  /** The client's registered name, or its id if it is gone. */
  appName: string;
  proximity: Proximity;
  step: Exclude<ConfirmStep, 'refuse'>;
  /** On a `match` step: the three numbers to pick from, in the order to show (the same on every view). */
  choices: string[] | undefined;
  /** What the grant will get: a limited grant's fewer scopes are what the person approves. */
  scopes: string[];
  /** Approved from here (without a number matched), the grant is limited by the client's remote scopes or lifetime. */
  limited: boolean;
}

export type ConfirmationResult = { ok: true; confirmation: Confirmation } | { ok: false; reason: UndecidableReason | 'refused' };

/**
 * Looks up a code a person typed (any case, spaces, dashes) for the confirm screen.
 * Only a pending, unexpired code can be decided on.
 */
export async function lookupUserCode(ctx: CoreContext, typed: string): Promise<DecisionResult> {
  const userCode = normalizeUserCode(typed);
  if (!userCode) return { ok: false, reason: 'unknown' };
  const record = await ctx.store.findDeviceCodeByUserCode(userCode);
  if (!record) return { ok: false, reason: 'unknown' };
  return explain(ctx, record, ctx.now());
}

/**
 * A phone opens the confirm screen for a code: what it asks, by the client's proximity policy.
 * Tells the waiting device (push `opened`; Pairgate's channel, RFC 8628 has no such state),
 * draws the number for a `match` step (stored once per code: a reload shows the same three, so
 * reloading cannot single out the right one), and under `deny` denies a remote approval outright
 * (the device hears `denied` and gets `access_denied`). Called once per confirm view.
 */
export async function openConfirmation(ctx: CoreContext, typed: string, phoneAddress: string): Promise<ConfirmationResult> {
  const found = await lookupUserCode(ctx, typed);
  if (!found.ok) return found;
  let record = found.record;
  const client = await ctx.store.findClient(record.clientId);
  const { proximity, policy } = placeOf(client, record, phoneAddress);
  const step = stepFor(policy, proximity);
  if (step === 'refuse') {
    const denied = await decide(ctx, record.userCode, { status: 'denied' });
    return denied.ok ? { ok: false, reason: 'refused' } : denied;
  }
  if (step === 'match' && !record.numberMatch) {
    const drawn = await ctx.store.drawNumberMatch(record.deviceCodeHash, drawNumberMatch(), ctx.now());
    if (!drawn) return lookupUserCode(ctx, record.userCode).then((again) => (again.ok ? { ok: false, reason: 'unknown' } : again));
    record = drawn;
  }
  // The channel reads the number (if any) from the code when it hears `opened`: the bus carries no numbers.
  ctx.events.publish(record.deviceCodeHash, 'opened');
  const asked = record.scope.split(' ').filter(Boolean);
  // As approved from this screen: on a `match` step only a right pick approves, so nothing is limited there.
  const check = { proximity, policy, numberMatched: step === 'match' };
  return {
    ok: true,
    confirmation: {
      record,
      appName: client?.name ?? record.clientId,
      proximity,
      step,
      choices: step === 'match' ? record.numberMatch?.choices : undefined,
      scopes: client ? grantedScopes(client, check, asked) : asked,
      limited: client !== undefined && isLimited(check) && (client.remoteScopes !== null || client.remoteRefreshTtlSeconds !== null),
    },
  };
}

/**
 * RFC 8628 §3.3: the person approves the device — if the client's proximity policy lets this
 * phone. A `match` step needs the number the device shows (bound to the code server-side: the
 * form sends only the pick); a wrong pick denies the code, so a guesser gets one try in three.
 * Exactly one decision per code wins. An approved device with a stable id replaces that
 * device's earlier sign-ins of this client.
 */
export async function approve(ctx: CoreContext, typed: string, approver: Approver): Promise<ApprovalResult> {
  const found = await lookupUserCode(ctx, typed);
  if (!found.ok) return found;
  const { record } = found;
  const client = await ctx.store.findClient(record.clientId);
  const { proximity, policy } = placeOf(client, record, approver.address);
  const step = stepFor(policy, proximity);
  if (step === 'refuse') {
    const denied = await decide(ctx, record.userCode, { status: 'denied' });
    return denied.ok ? { ok: false, reason: 'refused' } : denied;
  }
  let numberMatched = false;
  if (approver.pickedNumber !== undefined) {
    if (!record.numberMatch) return { ok: false, reason: 'needs-match' };
    if (approver.pickedNumber !== record.numberMatch.number) {
      const denied = await decide(ctx, record.userCode, { status: 'denied' });
      return denied.ok ? { ok: false, reason: 'wrong-number' } : denied;
    }
    numberMatched = true;
  } else if (step === 'match') {
    return { ok: false, reason: 'needs-match' };
  }
  const approval = { grantId: crypto.randomUUID(), proximity, policy, numberMatched };
  const result = await decide(ctx, record.userCode, { status: 'approved', userId: approver.userId, approval });
  if (result.ok && record.deviceIdHash) await replaceDeviceSignIns(ctx, record.clientId, record.deviceIdHash, ctx.now());
  return result;
}

export function deny(ctx: CoreContext, typed: string): Promise<DecisionResult> {
  const userCode = normalizeUserCode(typed);
  return userCode ? decide(ctx, userCode, { status: 'denied' }) : Promise.resolve({ ok: false, reason: 'unknown' });
}

/** The phone's place relative to the device, and the policy that judges it (`warn` for a client that is gone). */
function placeOf(client: ClientRecord | undefined, record: DeviceCodeRecord, phoneAddress: string | undefined): { proximity: Proximity; policy: ProximityPolicy } {
  const proximity = phoneAddress === undefined ? 'unknown' : proximityOf(client ?? { allowedNetworks: [] }, record.clientIp, phoneAddress);
  return { proximity, policy: client?.proximity ?? 'warn' };
}

async function decide(ctx: CoreContext, userCode: string, decision: DeviceDecision): Promise<DecisionResult> {
  const now = ctx.now();
  const record = await ctx.store.decideDeviceCode(userCode, decision, now);
  if (record) {
    ctx.events.publish(record.deviceCodeHash, decision.status);
    ctx.metrics.deviceCode(decision.status);
    return { ok: true, record };
  }
  // Lost: say why (already decided by someone else, expired, or no such code).
  const current = await ctx.store.findDeviceCodeByUserCode(userCode);
  if (!current) return { ok: false, reason: 'unknown' };
  const result = await explain(ctx, current, now);
  return result.ok ? { ok: false, reason: 'unknown' } : result;
}

/** `decidable`, plus whether an expired code's device has moved on to a new code. */
async function explain(ctx: CoreContext, record: DeviceCodeRecord, now: number): Promise<DecisionResult> {
  const result = decidable(record, now);
  if (result.ok || result.reason !== 'expired') return result;
  const replacement = await ctx.store.findReplacementDeviceCode(record, now);
  return replacement ? { ok: false, reason: 'replaced' } : result;
}

function decidable(record: DeviceCodeRecord, now: number): DecisionResult {
  if (record.status !== 'pending') return { ok: false, reason: record.status };
  if (now >= record.expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, record };
}
