import { describe, expect, it } from 'vitest';
import { hashSecret } from '../crypto/hash';
import { openSqliteStore } from '../store/sqlite';
import { parseCookies } from './http/cookies';
import {
  checkCsrf,
  clearCookie,
  cookieNames,
  createSession,
  csrfToken,
  loadSession,
  newSecret,
  parseSessionData,
  preSessionCookie,
  sessionCookie,
} from './session';

describe('CSRF tokens', () => {
  const secret = newSecret();

  it('accepts the token of this session and purpose only', () => {
    const token = csrfToken(secret, 'session');
    expect(checkCsrf(secret, 'session', token)).toBe(true);
    expect(checkCsrf(secret, 'login', token)).toBe(false);
    expect(checkCsrf(newSecret(), 'session', token)).toBe(false);
  });

  it('rejects missing, empty, truncated, padded and altered tokens', () => {
    const token = csrfToken(secret, 'session');
    for (const bad of [undefined, null, '', token.slice(0, -1), `${token}A`, token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))]) {
      expect(checkCsrf(secret, 'session', bad)).toBe(false);
    }
  });

  it('rejects when there is no (well-formed) cookie secret', () => {
    expect(checkCsrf(undefined, 'session', csrfToken(secret, 'session'))).toBe(false);
    expect(checkCsrf('short', 'session', csrfToken('short', 'session'))).toBe(false);
  });

  it('does not reveal the cookie secret', () => {
    expect(csrfToken(secret, 'session')).not.toContain(secret);
  });
});

describe('session cookies', () => {
  it('are HttpOnly, SameSite=Lax, Path=/, and Secure with a __Host- name over https', () => {
    const secure = sessionCookie(cookieNames(true), 'v', 3_600_000, true);
    expect(secure).toBe('__Host-pairgate-session=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure');
    const plain = sessionCookie(cookieNames(false), 'v', 3_600_000, false);
    expect(plain).toBe('pairgate-session=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600');
    expect(preSessionCookie(cookieNames(false), 'p', false)).toBe('pairgate-pre=p; Path=/; HttpOnly; SameSite=Lax');
    expect(clearCookie('pairgate-session', false)).toContain('Max-Age=0');
  });

  it('parses cookie headers; the first of a repeated name wins', () => {
    expect([...parseCookies('a=1; b=2;  a=3; junk; =x')]).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(parseCookies(undefined).size).toBe(0);
  });
});

describe('server-side sessions (real SQLite)', () => {
  it('stores only the hash, finds by cookie, and expires', async () => {
    const store = openSqliteStore(':memory:');
    await store.migrate();
    const names = cookieNames(false);
    const { secret, record } = await createSession(store, 'user-1', 1_000, 60_000);
    expect(record.idHash).toBe(hashSecret(secret));
    expect(record.idHash).not.toBe(secret);
    const loaded = await loadSession(store, `${names.session}=${secret}`, names, 2_000);
    expect(loaded?.record.userId).toBe('user-1');
    expect(await loadSession(store, `${names.session}=${secret}`, names, 61_000)).toBeUndefined();
    expect(await loadSession(store, `${names.session}=not-a-secret`, names, 2_000)).toBeUndefined();
    // Two sign-ins never share an id.
    expect((await createSession(store, 'user-1', 1_000, 60_000)).secret).not.toBe(secret);
    await store.close();
  });

  it('parses stored flow state defensively', () => {
    expect(parseSessionData('not json')).toEqual({});
    // Digit codes (a client's number-pad option), the approval's grant for "This wasn't me", the new result kinds.
    expect(parseSessionData('{"confirming":"123456789","decided":"987654321","approvedGrant":"6f1c2d3e-0000-4000-8000-000000000000"}')).toEqual({
      confirming: '123456789',
      decided: '987654321',
      approvedGrant: '6f1c2d3e-0000-4000-8000-000000000000',
    });
    expect(parseSessionData('{"confirming":"12345678","approvedGrant":"<x>"}')).toEqual({});
    for (const kind of ['refused', 'wrong-number', 'disowned']) expect(parseSessionData(`{"result":{"kind":"${kind}"}}`)).toEqual({ result: { kind } });
    expect(parseSessionData('{"confirming":"BCDFGHJK","flash":"wrong-code"}')).toEqual({ confirming: 'BCDFGHJK', flash: 'wrong-code' });
    expect(parseSessionData('{"confirming":"<script>","flash":"x","result":{"kind":"pwned"}}')).toEqual({});
    // What was typed with a wrong code: kept as typed, but no longer than the input allows.
    expect(parseSessionData('{"flash":"wrong-code","typedCode":"bcdf ghjz"}')).toEqual({ flash: 'wrong-code', typedCode: 'bcdf ghjz' });
    expect(parseSessionData(`{"typedCode":"${'B'.repeat(33)}"}`)).toEqual({});
    expect(parseSessionData('{"result":{"kind":"approved","deviceName":"TV","clientName":"App"}}')).toEqual({
      result: { kind: 'approved', deviceName: 'TV', deviceModel: null, clientName: 'App' },
    });
  });
});
