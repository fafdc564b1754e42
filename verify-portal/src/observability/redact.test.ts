import { randomBytes } from 'node:crypto';
import { formatUserCode, generateUserCode } from '@pairgate/shared';
import { describe, expect, it } from 'vitest';
import { createLogger, writeFields } from './logger';
import { redactPaths, REDACTED, scrubText } from './redact';

describe('scrubText', () => {
  const secret = randomBytes(32).toString('base64url');

  it.each([
    ['a JWT', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', `${REDACTED}`],
    ['a JWT with an empty signature', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', `${REDACTED}`],
    ['a JWT with long parts, header and all', `Bearer-less eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.${'a'.repeat(60)}.${'b'.repeat(86)} end`, `Bearer-less ${REDACTED} end`],
    ['two secrets in a row, and one at each end', `${secret} ${secret}/${secret}`, `${REDACTED} ${REDACTED}/${REDACTED}`],
    ['a 43-character base64url secret', `refresh ${secret} failed`, `refresh ${REDACTED} failed`],
    ['a user code as shown', 'code WDJB-MJHT typed', `code ${REDACTED} typed`],
    ['a user code typed in lower case without a dash', 'wdjbmjht', REDACTED],
    ['a user code typed with a space', 'wdjb mjht.', `${REDACTED}.`],
    ['a digit user code as shown', 'code 123-456-789 typed', `code ${REDACTED} typed`],
    ['a digit user code typed without dashes', '/activate/123456789', `/activate/${REDACTED}`],
    ['a digit user code typed with spaces', '"123 456 789"', `"${REDACTED}"`],
    ['a bearer credential', 'authorization: Bearer abc.def-ghi', `authorization: Bearer ${REDACTED}`],
    ['a basic credential', 'Basic d2ViOnM9PQ==', `Basic ${REDACTED}`],
    ['a password in a form body', 'username=ada&password=hunter2&x=1', `username=ada&password=${REDACTED}&x=1`],
    ['a code in a query string', '/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj', `/cb?code=${REDACTED}&state=af0ifjsldkj`],
    ['a token parameter', 'token=abc&token_type_hint=refresh_token', `token=${REDACTED}&token_type_hint=refresh_token`],
    ['prefixed secret keys', 'sslpassword=a&db_password=b {"newPassword":"c"}', `sslpassword=${REDACTED}&db_password=${REDACTED} {"newPassword":"${REDACTED}"}`],
    ['the password in a database URL', 'connect postgres://app:hunter2-db@db.internal:5432/pairgate failed', `connect postgres://app:${REDACTED}@db.internal:5432/pairgate failed`],
    ['a secret key in JSON', '{"client_secret":"s3cr\\"et","ok":1}', `{"client_secret":"${REDACTED}","ok":1}`],
  ])('replaces %s', (_name, input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it.each([
    'GET /oauth/device/code 200 12ms',
    '{"route":"/activate","method":"POST","status":303,"durationMs":4.2}',
    'request 0b7e5c1e-2c3a-4d0e-9d7b-6f1c8e0a9b21 from 192.0.2.10',
    // Request ids with nine digits in a row inside their hex (2 % of UUIDs): not a digit code.
    '"c63b8d94-8586-49a3-b4b9-a1c710288931"',
    '"b0586049-18ef-4838-bb91-591025911c5d"',
    '"f8340074-a311-4faf-aaf6-c003777730af"',
    '2026-01-01T00:00:00.000Z',
    'at handle (/srv/pairgate/verify-portal/src/oauth/router.ts:74:12)',
    'PAIRGATE_KEY_ENCRYPTION_KEYS_OLD must be base64url',
    'consonants BCDF, 8 letters in two groups of 4',
    'the interval is 5 s; slow_down adds 5',
    'http://127.0.0.1:3000/activate and postgres://db.internal:5432/pairgate',
    'expires at 1700000000000 (epoch ms), 12345678 bytes, 1234-5678',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(scrubText(text)).toBe(text);
  });

  it('is idempotent', () => {
    const once = scrubText(`password=x ${secret} WDJB-MJHT 123-456-789`);
    expect(scrubText(once)).toBe(once);
  });
});

describe('redactPaths', () => {
  it('covers each secret key at the top and in request-shaped containers, in pino path syntax, without wildcards', () => {
    const paths = redactPaths();
    expect(paths).toEqual(expect.arrayContaining(['password', 'form.password', 'headers.authorization', 'req.headers.cookie', '["set-cookie"]', 'res.headers["set-cookie"]']));
    expect(paths.filter((p) => p.includes('*'))).toEqual([]);
    expect(paths).not.toContain('status');
  });
});

describe('digit user codes never reach a log line', () => {
  const shown = formatUserCode(generateUserCode('digits')); // 123-456-789
  const typed = [shown, shown.replaceAll('-', ''), shown.replaceAll('-', ' ')];

  it('in a message, a field and an access line: every typed form is gone', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line) => void lines.push(line) } });
    for (const code of typed) {
      log.info({ note: code }, `confirm screen for ${code}`);
      // The access line scrubs each value on its own: a bare code is all the value holds.
      writeFields(log, 'info', { route: '/activate', entered: code }, 'request');
    }
    expect(lines).toHaveLength(2 * typed.length);
    for (const code of typed) for (const line of lines) expect(line).not.toContain(code);
    expect(lines.join('')).toContain(REDACTED);
  });
});
