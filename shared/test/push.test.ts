import { describe, expect, it } from 'vitest';
import {
  MAX_PUSH_MESSAGE_LENGTH,
  parsePushMessage,
  parsePushStatusMessage,
  parsePushSubscribeMessage,
  serializePushMessage,
} from '../src/push';

describe('server → device status messages', () => {
  it('accepts the four statuses', () => {
    for (const status of ['opened', 'approved', 'denied', 'expired'] as const) {
      expect(parsePushStatusMessage(JSON.stringify({ type: 'status', status }))).toEqual({ type: 'status', status });
    }
  });

  it('rejects unknown statuses, types, extra keys and non-objects', () => {
    const bad = [
      '{"type":"status","status":"pending"}',
      '{"type":"status","status":"APPROVED"}',
      '{"type":"status"}',
      '{"type":"state","status":"approved"}',
      '{"type":"status","status":"approved","access_token":"x"}',
      '{"type":"status","status":"approved","__proto__":{"x":1}}',
      '["status","approved"]',
      'null',
      '"approved"',
      'not json',
      '',
    ];
    for (const text of bad) expect(parsePushStatusMessage(text), text).toBeUndefined();
  });

  it('rejects oversized messages before parsing', () => {
    const padded = `{"type":"status","status":"approved"}${' '.repeat(MAX_PUSH_MESSAGE_LENGTH)}`;
    expect(JSON.parse(padded)).toEqual({ type: 'status', status: 'approved' });
    expect(parsePushStatusMessage(padded)).toBeUndefined();
  });

  it('does not accept a subscribe message as a status', () => {
    expect(parsePushStatusMessage('{"type":"subscribe","device_code":"abc"}')).toBeUndefined();
  });
});

describe('device → server subscribe messages', () => {
  it('accepts a device code', () => {
    const code = 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS';
    expect(parsePushSubscribeMessage(JSON.stringify({ type: 'subscribe', device_code: code }))).toEqual({
      type: 'subscribe',
      device_code: code,
    });
  });

  it('rejects empty, overlong, non-string and non-printable device codes, and extra keys', () => {
    const bad = [
      { type: 'subscribe', device_code: '' },
      { type: 'subscribe', device_code: 'x'.repeat(257) },
      { type: 'subscribe', device_code: 42 },
      { type: 'subscribe', device_code: 'abc def' },
      { type: 'subscribe', device_code: 'abc\ndef' },
      { type: 'subscribe', device_code: 'abc', user_code: 'WDJBMJHT' },
      { type: 'subscribe' },
      { type: 'status', status: 'approved' },
    ];
    for (const message of bad) expect(parsePushSubscribeMessage(JSON.stringify(message)), JSON.stringify(message)).toBeUndefined();
  });
});

describe('parsePushMessage / serializePushMessage', () => {
  it('parses either direction and round-trips', () => {
    const status = { type: 'status', status: 'opened' } as const;
    const subscribe = { type: 'subscribe', device_code: 'abc' } as const;
    expect(parsePushMessage(serializePushMessage(status))).toEqual(status);
    expect(parsePushMessage(serializePushMessage(subscribe))).toEqual(subscribe);
    expect(parsePushMessage('{"type":"hello"}')).toBeUndefined();
  });
});
