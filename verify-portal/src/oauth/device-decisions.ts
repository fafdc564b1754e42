import { normalizeUserCode } from '@pairgate/shared';
import type { DeviceCodeRecord, DeviceDecision } from '../store/store';
import type { CoreContext } from './context';

/**
 * Why a code cannot be decided on: each gets its own page in the portal. `replaced`: the code
 * expired and the same device has shown a new one since, so the person should use that.
 */
export type UndecidableReason = 'unknown' | 'expired' | 'replaced' | 'approved' | 'denied' | 'redeemed';

export type DecisionResult = { ok: true; record: DeviceCodeRecord } | { ok: false; reason: UndecidableReason };

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

/** RFC 8628 §3.3: the person approved the device. Exactly one decision per code wins. */
export function approve(ctx: CoreContext, typed: string, userId: string): Promise<DecisionResult> {
  // The grant the code becomes has its id from the approval on (the store redeems into it).
  return decide(ctx, typed, { status: 'approved', userId, approval: { grantId: crypto.randomUUID(), proximity: 'unknown', policy: 'warn', numberMatched: false } });
}

export function deny(ctx: CoreContext, typed: string): Promise<DecisionResult> {
  return decide(ctx, typed, { status: 'denied' });
}

async function decide(ctx: CoreContext, typed: string, decision: DeviceDecision): Promise<DecisionResult> {
  const userCode = normalizeUserCode(typed);
  if (!userCode) return { ok: false, reason: 'unknown' };
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
