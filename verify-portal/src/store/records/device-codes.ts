/** Device authorizations (RFC 8628): the codes a device shows and polls with, and how they were decided. */
import type { ProximityPolicy } from './clients';
import type { GrantRecord } from './grants';

export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'redeemed';

export interface DeviceCodeRecord {
  /** SHA-256 (base64url) of the device code; the code itself is never stored. */
  deviceCodeHash: string;
  /** Canonical form (8 characters, no dash). Unique among codes that have not expired. */
  userCode: string;
  clientId: string;
  /** Space-separated granted-if-approved scope. */
  scope: string;
  deviceName: string | null;
  deviceModel: string | null;
  /** The address the device authorization request came from (for the confirm screen). */
  clientIp: string | null;
  createdAt: number;
  expiresAt: number;
  /** Current minimum polling interval in seconds; raised by 5 on every slow_down (RFC 8628 §3.5). */
  interval: number;
  lastPolledAt: number | null;
  status: DeviceCodeStatus;
  /** The approving user, once approved. */
  userId: string | null;
  decidedAt: number | null;
  /** SHA-256 of the stable id the device app keeps (`device_id`), when it sent one. Never shown. */
  deviceIdHash?: string;
  /** The number-matching draw, once a phone that is not near opened the confirm screen. */
  numberMatch?: NumberMatch;
  /** How it was approved, once approved. */
  approval?: DeviceApproval;
}

/** `number` is one of `choices`, which are three distinct two-digit numbers in the order shown. */
export interface NumberMatch {
  number: string;
  choices: string[];
}

/** Where the phone was, relative to the device, when the person approved (see `oauth/proximity.ts`). */
export type Proximity = 'near' | 'remote' | 'unknown';

/** How an approval was made (RFC 10027): recorded with the device code and copied to its grant. */
export interface ApprovalCheck {
  proximity: Proximity;
  /** The client's policy when it was approved. */
  policy: ProximityPolicy;
  numberMatched: boolean;
}

/** An approval of a device code: the grant it will become has its id from the start. */
export interface DeviceApproval extends ApprovalCheck {
  grantId: string;
}

export type DeviceDecision = { status: 'approved'; userId: string; approval: DeviceApproval } | { status: 'denied' };

export interface DeviceCodeStore {
  /**
   * Stores a new device authorization. Returns false (and stores nothing) when another code with
   * the same user code has not yet expired at `record.createdAt`, so the caller draws a new one.
   */
  insertDeviceCode(record: DeviceCodeRecord): Promise<boolean>;
  findDeviceCode(deviceCodeHash: string): Promise<DeviceCodeRecord | undefined>;
  /** The most recent code with this canonical user code, expired or not. */
  findDeviceCodeByUserCode(userCode: string): Promise<DeviceCodeRecord | undefined>;
  /**
   * The newest code that is still pending at `now` and came from the same device as `previous`
   * (same client, address, name and model) after it — the code a kiosk shows once `previous`
   * expired. Undefined when there is none.
   */
  findReplacementDeviceCode(previous: DeviceCodeRecord, now: number): Promise<DeviceCodeRecord | undefined>;
  /**
   * Records a poll at `now`, atomically. `tooFast` is true when the code is `pending` and the
   * previous poll was less than `interval` seconds ago; then `interval` is raised by 5 before it
   * is returned (RFC 8628 §3.5: for this and all later polls). `lastPolledAt` becomes `now`.
   * Undefined when no such code exists.
   */
  recordDevicePoll(deviceCodeHash: string, now: number): Promise<{ record: DeviceCodeRecord; tooFast: boolean } | undefined>;
  /**
   * Approves or denies the code if it is still `pending` and unexpired at `now`; returns the
   * updated record, or undefined when it was not pending (already decided, redeemed, expired or
   * unknown). Exactly one of several racing decisions wins.
   */
  decideDeviceCode(userCode: string, decision: DeviceDecision, now: number): Promise<DeviceCodeRecord | undefined>;
  /**
   * Moves an `approved`, unexpired code to `redeemed` and stores `grant` (whose id must be the
   * approval's `grantId`) in one atomic step; returns the code, or undefined if this caller did
   * not win (exactly one successful redemption, however many polls race). One step, so the
   * grant exists the moment the code is redeemed: `withdrawDeviceApproval` then `revokeGrant`
   * can never miss it.
   */
  redeemDeviceCode(deviceCodeHash: string, grant: GrantRecord, now: number): Promise<DeviceCodeRecord | undefined>;
  /**
   * Stores `draw` as the code's number-matching draw unless it has one, while it is pending and
   * unexpired at `now`; returns the code with whichever draw was stored first (racing confirm
   * views all get the same one), or undefined when it is no longer pending.
   */
  drawNumberMatch(deviceCodeHash: string, draw: NumberMatch, now: number): Promise<DeviceCodeRecord | undefined>;
  /**
   * "This wasn't me" before the device collected its tokens: moves the `approved` code whose
   * approval by `userId` is this grant to `denied` (decided at `now`); returns it, or undefined
   * when there is none (the code was redeemed, so the grant exists, or it is not theirs).
   */
  withdrawDeviceApproval(grantId: string, userId: string, now: number): Promise<DeviceCodeRecord | undefined>;
}
