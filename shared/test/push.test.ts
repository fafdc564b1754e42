import { describe, expect, it } from 'vitest';
import {
  MAX_PUSH_MESSAGE_LENGTH,
  parsePushClientMessage,
  parsePushMessage,
  parsePushServerMessage,
  parsePushStatusMessage,
  serializePushMessage,
  type PushMessage,
} from '../src/push';

/** A real access token's shape and size (RFC 9068 JWT, ES256): about 700 characters. */
const ACCESS_TOKEN = `eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiYXQrand0In0.${'eyJzdWIiOiJ1c2VyIn0'.repeat(30)}.${'s'.repeat(86)}`;

describe('server → device messages', () => {
  it('accepts the four statuses, the match number and the end of a session', () => {
    for (const status of ['opened', 'approved', 'denied', 'expired'] as const) {
      expect(parsePushServerMessage(JSON.stringify({ type: 'status', status }))).toEqual({ type: 'status', status });
    }
    expect(parsePushServerMessage('{"type":"match","number":"42"}')).toEqual({ type: 'match', number: '42' });
    expect(parsePushServerMessage('{"type":"session","status":"active"}')).toEqual({ type: 'session', status: 'active' });
    expect(parsePushServerMessage('{"type":"session","status":"ended"}')).toEqual({ type: 'session', status: 'ended' });
  });

  it('rejects unknown statuses, types, numbers, extra keys and non-objects', () => {
    const bad = [
      '{"type":"status","status":"pending"}',
      '{"type":"status","status":"APPROVED"}',
      '{"type":"status"}',
      '{"type":"state","status":"approved"}',
      '{"type":"status","status":"approved","access_token":"x"}',
      '{"type":"status","status":"approved","__proto__":{"x":1}}',
      '{"type":"match","number":42}',
      '{"type":"match","number":"07"}',
      '{"type":"match","number":"100"}',
      '{"type":"match","number":"4"}',
      '{"type":"match","number":"42","status":"opened"}',
      '{"type":"session","status":"started"}',
      '{"type":"session"}',
      '["status","approved"]',
      'null',
      '"approved"',
      'not json',
      '',
    ];
    for (const text of bad) expect(parsePushServerMessage(text), text).toBeUndefined();
  });

  it('rejects oversized messages before parsing', () => {
    const padded = `{"type":"status","status":"approved"}${' '.repeat(MAX_PUSH_MESSAGE_LENGTH)}`;
    expect(JSON.parse(padded)).toEqual({ type: 'status', status: 'approved' });
    expect(parsePushServerMessage(padded)).toBeUndefined();
  });

  it('does not take a device message for a server one', () => {
    expect(parsePushServerMessage('{"type":"subscribe","device_code":"abc"}')).toBeUndefined();
    expect(parsePushServerMessage(JSON.stringify({ type: 'watch', access_token: ACCESS_TOKEN }))).toBeUndefined();
  });

  it('parsePushStatusMessage (devices from before number matching) sees statuses only and ignores the newer types', () => {
    expect(parsePushStatusMessage('{"type":"status","status":"opened"}')).toEqual({ type: 'status', status: 'opened' });
    expect(parsePushStatusMessage('{"type":"match","number":"42"}')).toBeUndefined();
    expect(parsePushStatusMessage('{"type":"session","status":"ended"}')).toBeUndefined();
  });
});

describe('device → server messages', () => {
  it('accepts a device code to subscribe to and an access token to watch', () => {
    const code = 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS';
    expect(parsePushClientMessage(JSON.stringify({ type: 'subscribe', device_code: code }))).toEqual({ type: 'subscribe', device_code: code });
    expect(ACCESS_TOKEN.length).toBeGreaterThan(600);
    expect(parsePushClientMessage(JSON.stringify({ type: 'watch', access_token: ACCESS_TOKEN }))).toEqual({ type: 'watch', access_token: ACCESS_TOKEN });
  });

  it('rejects empty, overlong, non-string and non-printable secrets, and extra or missing keys', () => {
    const bad = [
      { type: 'subscribe', device_code: '' },
      { type: 'subscribe', device_code: 'x'.repeat(257) },
      { type: 'subscribe', device_code: 42 },
      { type: 'subscribe', device_code: 'abc def' },
      { type: 'subscribe', device_code: 'abc\ndef' },
      { type: 'subscribe', device_code: 'abc', user_code: 'WDJBMJHT' },
      { type: 'subscribe' },
      { type: 'watch', access_token: '' },
      { type: 'watch', access_token: 'x'.repeat(4001) },
      { type: 'watch', access_token: 'Bearer abc' },
      { type: 'watch', access_token: 'abc', device_code: 'abc' },
      { type: 'watch', device_code: 'abc' },
      { type: 'status', status: 'approved' },
    ];
    for (const message of bad) expect(parsePushClientMessage(JSON.stringify(message)), JSON.stringify(message)).toBeUndefined();
  });
});

describe('parsePushMessage / serializePushMessage', () => {
  it('parses either direction and round-trips every type', () => {
    const all: PushMessage[] = [
      { type: 'status', status: 'opened' },
      { type: 'match', number: '57' },
      { type: 'session', status: 'ended' },
      { type: 'subscribe', device_code: 'abc' },
      { type: 'watch', access_token: ACCESS_TOKEN },
    ];
    for (const message of all) expect(parsePushMessage(serializePushMessage(message))).toEqual(message);
    expect(parsePushMessage('{"type":"hello"}')).toBeUndefined();
  });
});
