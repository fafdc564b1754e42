import { randomBytes } from 'node:crypto';
import { formatUserCode, generateUserCode } from '@pairgate/shared';
import { generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, logUnexpected, logWarning, serializeError, writeFields, type Logger, type LogLevel } from './logger';
import { REDACTED } from './redact';
import { runInRequest } from './request-context';

/** A logger whose JSON lines the test keeps. */
function capturing(level: LogLevel = 'trace'): { log: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  return { log: createLogger({ level, destination: { write: (line) => void lines.push(line) } }), lines, text: () => lines.join('') };
}

const b64url = (bytes: number) => randomBytes(bytes).toString('base64url');

describe('logger: no secret reaches a line', () => {
  let jwt: string;
  const deviceCode = b64url(32);
  const refreshToken = b64url(32);
  const sessionId = b64url(32);
  const clientSecret = b64url(32);
  const verifier = b64url(48); // 64 characters, RFC 7636 §4.1
  const userCode = formatUserCode(generateUserCode());
  const authCode = 'SplxlOBeZQQYbYS6WxSbIA'; // RFC 6749 §4.1.2's example: short, not shaped like ours
  const password = 'correct horse battery staple';
  const basic = Buffer.from(`web:${clientSecret}`).toString('base64');

  beforeAll(async () => {
    const { privateKey } = await generateKeyPair('ES256');
    jwt = await new SignJWT({ sub: 'user-1', scope: 'openid' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' }).sign(privateKey);
  });

  /** Every form in which a secret may be handed to the logger. */
  function secrets(): string[] {
    return [jwt, deviceCode, refreshToken, sessionId, clientSecret, verifier, userCode, userCode.toLowerCase(), userCode.replace('-', ''), userCode.replace('-', ' '), authCode, password, basic];
  }

  function assertClean(text: string): void {
    expect(text.length).toBeGreaterThan(0);
    for (const secret of secrets()) expect(text, `leaked ${secret}`).not.toContain(secret);
    // The password's words may not survive either (e.g. URL-encoded as `correct+horse…`).
    expect(text).not.toContain('battery');
  }

  const methods = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

  it.each(methods)('%s: secrets under their keys, at any depth, in headers, arrays and bindings', (method) => {
    const { log, text } = capturing();
    log[method]({
      password,
      device_code: deviceCode,
      refreshToken,
      code: authCode,
      user_code: userCode,
      headers: { authorization: `Bearer ${jwt}`, cookie: `pairgate-session=${sessionId}`, 'user-agent': 'Kiosk/1.0' },
      req: { headers: { authorization: `Basic ${basic}` } },
      deep: { a: { b: { c: { password, client_secret: clientSecret } } } },
      list: [{ code_verifier: verifier }],
    });
    log.child({ password, token: jwt, session: { sessionId } })[method]('child bindings');
    assertClean(text());
    // Keys are kept and visibly redacted: an operator can see that something was there.
    expect(text()).toContain(`"password":"${REDACTED}"`);
    expect(text()).toContain('"user-agent":"Kiosk/1.0"');
  });

  it.each(methods)('%s: secrets inside messages, format arguments, query strings and form bodies', (method) => {
    const { log, text } = capturing();
    log[method](`token ${jwt} for device ${deviceCode}, code ${userCode}`);
    log[method]('refresh %s with %o', refreshToken, { note: `Authorization: Bearer ${jwt}` });
    log[method]({ url: `/cb?code=${authCode}&state=xyz&iss=https%3A%2F%2Fpairgate.test` }, `GET /activate?user_code=${userCode.toLowerCase()}`);
    log[method](`body: grant_type=password&username=ada&password=${encodeURIComponent(password)}&client_secret=${clientSecret}`);
    log[method](`a verifier ${verifier}; a typed code ${userCode.replace('-', ' ')} or ${userCode.replace('-', '')}`);
    log[method](`{"password":"${password}","nested":{"token":"${refreshToken}"}}`);
    log[method](`Authorization: Basic ${basic}`);
    assertClean(text());
  });

  it('errors: message, stack and causes are scrubbed; no other property of the error is logged', () => {
    const { log, text } = capturing();
    const cause = Object.assign(new Error(`insert failed for ${deviceCode}`), { query: `UPDATE x SET password='${password}'`, code: '23505' });
    const err = new Error(`could not redeem ${userCode} with ${jwt}`, { cause });
    log.error(err);
    log.error({ err }, 'unexpected error');
    log.warn({ err: `a string thrown with ${refreshToken}` });
    assertClean(text());
    const line = JSON.parse(text().split('\n')[0]!) as { err: { type: string; stack: string; cause: { message: string } } };
    expect(line.err.type).toBe('Error');
    expect(line.err.stack).toContain('logger.test.ts');
    expect(line.err.cause.message).toBe(`insert failed for ${REDACTED}`);
    expect(text()).not.toContain('23505');
  });

  it('logUnexpected writes one error line with the scrubbed error', () => {
    const { log, text } = capturing('info');
    logUnexpected(new Error(`store rejected refresh token ${refreshToken}`), log);
    const line = JSON.parse(text()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', msg: 'unexpected error', err: { type: 'Error', message: `store rejected refresh token ${REDACTED}` } });
    assertClean(text());
  });

  it('logWarning writes one warn line, scrubbed', () => {
    const { log, text } = capturing('info');
    logWarning(`[push] LISTEN connection lost (postgres://app:${clientSecret}@db/x?sslpassword=${encodeURIComponent(password)}, Basic ${basic})`, log);
    expect(JSON.parse(text())).toMatchObject({ level: 'warn' });
    assertClean(text());
  });

  it('each line is one JSON object, still valid after redaction', () => {
    const { log, lines } = capturing();
    log.info({ a: `"quoted" ${deviceCode}`, password }, `line with \\ backslash and ${jwt}`);
    log.info(`\\"password\\":\\"${password}\\"`);
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
    expect(lines.join('')).not.toContain(password);
  });
});

describe('logger: levels and request ids', () => {
  it('writes nothing below its level, and everything at or above it', () => {
    const { log, lines } = capturing('warn');
    log.info('quiet');
    log.debug('quieter');
    log.warn('heard');
    log.error('heard too');
    expect(lines.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['warn', 'error']);
  });

  it('puts the request id on every line written while serving that request, across awaits', async () => {
    const { log, lines } = capturing();
    await runInRequest({ requestId: 'req-1' }, async () => {
      log.info('first');
      await new Promise((resolve) => setImmediate(resolve));
      log.child({ part: 'store' }).info('second');
    });
    log.info('outside');
    const ids = lines.map((l) => (JSON.parse(l) as { reqId?: string }).reqId);
    expect(ids).toEqual(['req-1', 'req-1', undefined]);
  });

  it('serializes non-errors too, and stops following causes after three', () => {
    expect(serializeError('boom')).toEqual({ type: 'string', message: 'boom' });
    let err = new Error('0');
    for (let i = 1; i <= 6; i++) err = new Error(String(i), { cause: err });
    let depth = 0;
    for (let s = serializeError(err); s.cause; s = s.cause) depth++;
    expect(depth).toBe(3);
  });
});

describe('server-side modules log through the process logger', () => {
  it('a store outage is one warn line there, not console output', async () => {
    const { guardStore } = await import('../store/faults');
    const { logger } = await import('./logger');
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const consoleWarn = vi.spyOn(console, 'warn');
    try {
      const away = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      const store = guardStore({ kind: 'postgres', countUsers: () => Promise.reject(away) } as never, () => true);
      await expect(store.countUsers()).rejects.toThrow(/unavailable/);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('[store] postgres database unavailable'));
      expect(consoleWarn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      consoleWarn.mockRestore();
    }
  });
});

describe('writeFields: the access line, without pino on the way', () => {
  const fields = { reqId: 'r-1', method: 'POST', path: '/oauth/token', status: 400, durationMs: 0.4, bytes: 107, remoteAddress: '127.0.0.1', userAgent: undefined, aborted: true };
  const withoutTime = (line: string) => line.replace(/"time":"[^"]+"/, '"time":"T"');

  it('writes exactly the line log[level](fields, msg) writes', () => {
    const { log, lines } = capturing('info');
    log.info(fields, 'request');
    writeFields(log, 'info', fields, 'request');
    expect(lines).toHaveLength(2);
    expect(withoutTime(lines[1]!)).toBe(withoutTime(lines[0]!));
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'info', reqId: 'r-1', status: 400, aborted: true, msg: 'request' });
    expect(lines[1]).not.toContain('userAgent');
  });

  it('scrubs every value on its own and replaces whatever is under a secret key', () => {
    const { log, text } = capturing('info');
    const deviceCode = b64url(32);
    writeFields(log, 'info', { path: `/x/${deviceCode}`, userAgent: 'Kiosk Bearer abc.def', note: 'WDJB-MJHT', code: 42, db_password: 'hunter2' }, 'request');
    // Looked for in what the fields became, not in the envelope: the time or the pid may well contain "42".
    const { time: _time, pid: _pid, hostname: _hostname, ...written } = JSON.parse(text()) as Record<string, unknown>;
    for (const secret of [deviceCode, 'abc.def', 'WDJB-MJHT', '42', 'hunter2']) expect(JSON.stringify(written)).not.toContain(secret);
    expect(JSON.parse(text())).toMatchObject({ path: `/x/${REDACTED}`, userAgent: `Kiosk Bearer ${REDACTED}`, code: REDACTED, db_password: REDACTED });
  });

  it('respects the level, and a child logger (whose bindings need the whole-line scrub) goes through pino', () => {
    const { log, lines } = capturing('info');
    writeFields(log, 'debug', fields, 'probe');
    expect(lines).toHaveLength(0);
    writeFields(log.child({ token: b64url(32) }), 'info', fields, 'request');
    expect(JSON.parse(lines[0]!)).toMatchObject({ token: REDACTED, reqId: 'r-1' });
  });

  it('formats the time once per millisecond, not once per line', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 11, 1, 10, 0, 0, 5) });
    const toISOString = vi.spyOn(Date.prototype, 'toISOString');
    try {
      const { log, lines } = capturing('info');
      for (let i = 0; i < 50; i++) writeFields(log, 'info', fields, 'request');
      for (let i = 0; i < 50; i++) log.info('pino line');
      expect(toISOString).toHaveBeenCalledTimes(1);
      expect(new Set(lines.map((l) => (JSON.parse(l) as { time: string }).time))).toEqual(new Set(['2026-12-01T10:00:00.005Z']));
    } finally {
      toISOString.mockRestore();
      vi.useRealTimers();
    }
  });
});
