/**
 * This device's stable id: 32 random bytes, base64url (43 characters), made once and kept —
 * Electron in its userData beside the vault, `pairgate login` in its config directory, the web
 * host in a cookie of its own origin (`web-server.ts`). Sent as `device_id` with every device
 * authorization (a Pairgate extension), so that pairing the same screen again ends its earlier
 * sign-in at the server instead of leaving a second one live. Not a credential, but not to be
 * shown either: whoever knows it can end this device's sign-in by pairing a screen of their own
 * under it, so it is kept like one (never logged, never in a URL).
 */
import { generateRandomToken } from '@pairgate/shared';

const DEVICE_ID_BYTES = 32;
/** What `newDeviceId` makes; anything else read back is replaced with a new one. */
const DEVICE_ID = /^[A-Za-z0-9_-]{43}$/;

export function newDeviceId(): string {
  return generateRandomToken(DEVICE_ID_BYTES);
}

export function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_ID.test(value);
}
