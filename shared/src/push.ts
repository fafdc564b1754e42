/**
 * The device status push channel (`GET /oauth/device/events`, WebSocket). Push is only a hint:
 * tokens are always collected from the token endpoint, so a device that never connects still
 * works. The device code travels in the first message, never in the URL (URLs end up in logs).
 *
 *   device → server  {"type":"subscribe","device_code":"…"}   (first and only message)
 *   server → device  {"type":"status","status":"opened"|"approved"|"denied"|"expired"}
 */

export type PushStatus = 'opened' | 'approved' | 'denied' | 'expired';

export interface PushStatusMessage {
  type: 'status';
  status: PushStatus;
}

export interface PushSubscribeMessage {
  type: 'subscribe';
  device_code: string;
}

export type PushMessage = PushStatusMessage | PushSubscribeMessage;

/** Real messages are < 150 bytes; anything much larger is refused before JSON parsing. */
export const MAX_PUSH_MESSAGE_LENGTH = 512;
const MAX_DEVICE_CODE_LENGTH = 256;
const PUSH_STATUSES: readonly PushStatus[] = ['opened', 'approved', 'denied', 'expired'];

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

/** Server → device. Used by the device; `undefined` for anything else (unknown type, extra keys…). */
export function parsePushStatusMessage(text: string): PushStatusMessage | undefined {
  const value = parseObject(text);
  if (!value || !hasExactKeys(value, ['type', 'status']) || value.type !== 'status') return undefined;
  const status = PUSH_STATUSES.find((s) => s === value.status);
  return status ? { type: 'status', status } : undefined;
}

/**
 * Device → server. Used by the server on the first frame; `undefined` for anything else. The
 * device code must be 1–256 visible ASCII characters (RFC 6749 Appendix A VSCHAR, minus space).
 */
export function parsePushSubscribeMessage(text: string): PushSubscribeMessage | undefined {
  const value = parseObject(text);
  if (!value || !hasExactKeys(value, ['type', 'device_code']) || value.type !== 'subscribe') return undefined;
  const code = value.device_code;
  if (typeof code !== 'string' || code.length > MAX_DEVICE_CODE_LENGTH || !/^[\x21-\x7E]+$/.test(code)) return undefined;
  return { type: 'subscribe', device_code: code };
}

/** Either direction; prefer the direction-specific parser where the direction is known. */
export function parsePushMessage(text: string): PushMessage | undefined {
  return parsePushStatusMessage(text) ?? parsePushSubscribeMessage(text);
}

export function serializePushMessage(message: PushMessage): string {
  return JSON.stringify(message);
}
