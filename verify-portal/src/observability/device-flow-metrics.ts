/**
 * What the OAuth core reports about device codes (RFC 8628), for `/metrics`. The core calls these
 * where each fact is decided — after the atomic store step that made it so — and knows nothing of
 * how they are counted; `noDeviceFlowMetrics` is the default when nobody is counting.
 */
export type DeviceCodeOutcome =
  /** A device authorization response was sent (RFC 8628 §3.2). */
  | 'issued'
  /** The person approved on the confirm screen (§3.3). */
  | 'approved'
  | 'denied'
  /** A poll was answered `expired_token` (§3.5). A device that stops at `expires_in` on its own clock is not counted. */
  | 'expired'
  /** The approved code was redeemed for tokens (exactly once per code). */
  | 'redeemed';

export const DEVICE_CODE_OUTCOMES: readonly DeviceCodeOutcome[] = ['issued', 'approved', 'denied', 'expired', 'redeemed'];

export interface DeviceFlowMetrics {
  deviceCode(outcome: DeviceCodeOutcome): void;
  /** Seconds from the approval to the successful token response for that code. */
  approvalToToken(seconds: number): void;
}

export const noDeviceFlowMetrics: DeviceFlowMetrics = {
  deviceCode: () => {},
  approvalToToken: () => {},
};
