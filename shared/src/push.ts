/**
 * The device push channel (`GET /oauth/device/events`, WebSocket; discovery names it
 * `pairgate_device_events_endpoint`). A Pairgate extension and only ever a hint: tokens come
 * from the token endpoint and a sign-in ends when the token endpoint says so, so a device that
 * never connects still works. Secrets travel in the first message, never in the URL (URLs end
 * up in logs).
 *
 * The device sends exactly one message, first, within 5 s — one of:
 *
 *   {"type":"subscribe","device_code":"…"}     while pairing: the status of that one code
 *   {"type":"watch","access_token":"…"}        once signed in: the life of that sign-in
 *
 * The server then sends (each a JSON text frame; a device ignores any message it does not know,
 * which is how new message types stay compatible):
 *
 *   after subscribe:
 *   {"type":"status","status":"opened"}        a phone shows the confirm screen for this code
 *   {"type":"match","number":"42"}             number matching (RFC 10027 "authentication
 *                                              code"): show 42 beside the user code; the person
 *                                              picks it from three on the phone. Sent after
 *                                              `opened` when the phone is not near the device and
 *                                              the client's policy asks for it, and at once on
 *                                              subscribe when it was drawn before. The same
 *                                              number is in the token endpoint's
 *                                              `authorization_pending` body as `pairgate_match`,
 *                                              for devices that only poll.
 *   {"type":"status","status":"approved"}      poll now: the tokens are ready
 *   {"type":"status","status":"denied"}        poll now: `access_denied` (a Deny, a wrong number
 *                                              picked, a refusal by proximity policy, or
 *                                              "This wasn't me" before the tokens were collected)
 *   {"type":"status","status":"expired"}       then closed (1001)
 *
 *   after watch:
 *   {"type":"session","status":"active"}       the token checked out and the watch is in place
 *                                              (sent once, first): from here on an end is told
 *   {"type":"session","status":"ended"}        the sign-in was revoked (signed out on the phone,
 *                                              "Sign out everywhere else", "This wasn't me",
 *                                              refresh-token reuse, replaced by re-pairing this
 *                                              device): forget the tokens and show a new code.
 *                                              Then closed (1000).
 *
 * Closes: 1008 policy violation — no first message within 5 s, a malformed or second message,
 * an unknown/used/expired device code, or an access token that is not live (expired, foreign,
 * bad signature, or of a sign-in that has already ended: refresh, and reconnect with the new
 * access token, or go back to pairing on `invalid_grant`); 1013 try again later — too many
 * connections from one address, or the server cannot check right now; 1001 going away — the
 * code expired or the server shuts down. A watch stays open for the life of the sign-in, not of
 * the access token it was opened with.
 */

export type PushStatus = 'opened' | 'approved' | 'denied' | 'expired';

/** Server → device, while pairing: what happened to the device code. */
export interface PushStatusMessage {
  type: 'status';
  status: PushStatus;
}

/** Server → device, while pairing: the number to show for number matching (two digits, 10–99). */
export interface PushMatchMessage {
  type: 'match';
  number: string;
}

/** Server → device, once signed in: the watch is in place (`active`, once), or the sign-in is over (`ended`). */
export interface PushSessionMessage {
  type: 'session';
  status: 'active' | 'ended';
}

/** Device → server: the status of this device code, please. */
export interface PushSubscribeMessage {
  type: 'subscribe';
  device_code: string;
}

/** Device → server: tell me when the sign-in behind this access token ends. */
export interface PushWatchMessage {
  type: 'watch';
  access_token: string;
}

export type PushServerMessage = PushStatusMessage | PushMatchMessage | PushSessionMessage;
export type PushClientMessage = PushSubscribeMessage | PushWatchMessage;
export type PushMessage = PushServerMessage | PushClientMessage;

/**
 * The longest message either side accepts, refused before JSON parsing. The largest real one is
 * a watch: an RFC 9068 JWT access token is about 700–1,000 characters (longer issuer URLs and
 * scopes make it longer); the rest are under 100 bytes.
 */
export const MAX_PUSH_MESSAGE_LENGTH = 4096;
const MAX_DEVICE_CODE_LENGTH = 256;
const MAX_ACCESS_TOKEN_LENGTH = 4000;
const PUSH_STATUSES: readonly PushStatus[] = ['opened', 'approved', 'denied', 'expired'];
/** RFC 6749 Appendix A: device codes and access tokens are VSCHARs; a space is refused too. */
const VISIBLE_ASCII = /^[\x21-\x7E]+$/;
/** Two digits, 10–99: no leading zero a screen or a person could drop. */
const MATCH_NUMBER = /^[1-9][0-9]$/;

function parseObject(text: string): Record<string, unknown> | undefined {
  if (typeof text !== 'string' || text.length > MAX_PUSH_MESSAGE_LENGTH) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function hasExactKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(value, k));
}

function secret(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length <= max && VISIBLE_ASCII.test(value) ? value : undefined;
}

/**
 * A number-matching number as the server sends it — in a push `match` message, or as
 * `pairgate_match` in an `authorization_pending` answer — or `undefined` when `value` is not one.
 */
export function parseMatchNumber(value: unknown): string | undefined {
  return typeof value === 'string' && MATCH_NUMBER.test(value) ? value : undefined;
}

/**
 * Server → device, the statuses only (what devices before number matching and watching
 * understood); `undefined` for anything else, including the newer message types.
 */
export function parsePushStatusMessage(text: string): PushStatusMessage | undefined {
  const message = parsePushServerMessage(text);
  return message?.type === 'status' ? message : undefined;
}

/** Server → device. Used by the device; `undefined` for anything else (unknown type, extra keys…), which it ignores. */
export function parsePushServerMessage(text: string): PushServerMessage | undefined {
  const value = parseObject(text);
  if (!value) return undefined;
  if (value.type === 'status' && hasExactKeys(value, ['type', 'status'])) {
    const status = PUSH_STATUSES.find((s) => s === value.status);
    return status ? { type: 'status', status } : undefined;
  }
  if (value.type === 'match' && hasExactKeys(value, ['type', 'number'])) {
    const number = parseMatchNumber(value.number);
    return number === undefined ? undefined : { type: 'match', number };
  }
  if (value.type === 'session' && hasExactKeys(value, ['type', 'status']) && (value.status === 'active' || value.status === 'ended')) return { type: 'session', status: value.status };
  return undefined;
}

/**
 * Device → server. Used by the server on the first frame; `undefined` for anything else. A
 * device code is 1–256 and an access token 1–4,000 visible ASCII characters.
 */
export function parsePushClientMessage(text: string): PushClientMessage | undefined {
  const value = parseObject(text);
  if (!value) return undefined;
  if (value.type === 'subscribe' && hasExactKeys(value, ['type', 'device_code'])) {
    const code = secret(value.device_code, MAX_DEVICE_CODE_LENGTH);
    return code === undefined ? undefined : { type: 'subscribe', device_code: code };
  }
  if (value.type === 'watch' && hasExactKeys(value, ['type', 'access_token'])) {
    const token = secret(value.access_token, MAX_ACCESS_TOKEN_LENGTH);
    return token === undefined ? undefined : { type: 'watch', access_token: token };
  }
  return undefined;
}

/** Either direction; prefer the direction-specific parser where the direction is known. */
export function parsePushMessage(text: string): PushMessage | undefined {
  return parsePushServerMessage(text) ?? parsePushClientMessage(text);
}

export function serializePushMessage(message: PushMessage): string {
  return JSON.stringify(message);
}
