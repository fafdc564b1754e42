/**
 * The form handlers in-process, on a real SQLite `:memory:` store and the real OAuth core.
 */
import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../crypto/hash';
import { TEST_PASSWORD } from '../../crypto/test-support';
import { signInLimits } from '../../limits/rules';
import { parseCookies } from '../http/cookies';
import { csrfToken, newSecret } from '../session';
import { names, usePortal, type SignedIn } from '../test-support';

const portal = usePortal({ checksPasswords: true });
const { post, signedIn, deviceCode, sessionData } = portal;

describe('POST /login', () => {
  const pre = newSecret();
  const preCookies = { [names.preSession]: pre };
  const form = (over: Record<string, string> = {}) => ({ csrf: csrfToken(pre, 'login'), email: 'Ada@Example.com', password: TEST_PASSWORD, next: '/activate?user_code=BCDF-GHJK', ...over });

  it('signs in with a fresh session and goes back to a same-site `next`', async () => {
    const result = await post('/login', form(), { ...preCookies, [names.session]: 'x'.repeat(43) });
    expect(result).toMatchObject({ kind: 'redirect', location: '/activate?user_code=BCDF-GHJK' });
    if (result.kind !== 'redirect') throw new Error();
    const [sessionCookie, clearPre] = result.setCookies ?? [];
    expect(sessionCookie).toMatch(/^pairgate-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    expect(clearPre).toBe('pairgate-pre=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
    const secret = parseCookies(sessionCookie).get(names.session)!;
    expect(secret).not.toBe('x'.repeat(43));
    expect((await portal.store.findSession(hashSecret(secret), portal.now))?.userId).toBe('u1');
  });

  it('never redirects off-site', async () => {
    for (const next of ['//evil.example', 'https://evil.example/', '/\\evil.example', '%2F%2Fevil.example']) {
      expect(await post('/login', form({ next }), preCookies)).toMatchObject({ kind: 'redirect', location: '/activate' });
    }
  });

  it('answers a wrong password and an unknown account the same way', async () => {
    const wrong = await post('/login', form({ password: 'nope' }), preCookies);
    const unknown = await post('/login', form({ email: 'nobody@example.com' }), preCookies);
    expect(wrong).toEqual({ kind: 'redirect', location: '/login?error=credentials&next=%2Factivate%3Fuser_code%3DBCDF-GHJK' });
    expect(unknown).toEqual(wrong);
  });

  it('refuses without the pre-session CSRF token', async () => {
    expect(await post('/login', form({ csrf: '' }), preCookies)).toMatchObject({ kind: 'page', status: 403 });
    expect(await post('/login', form(), {})).toMatchObject({ kind: 'page', status: 403 });
    expect(await post('/login', form({ csrf: csrfToken(newSecret(), 'login') }), preCookies)).toMatchObject({ status: 403 });
  });

  it('slows failed sign-ins per account, even with the right password right afterwards', async () => {
    for (let i = 0; i < signInLimits.accountDelay.freeFailures; i++) {
      expect(await post('/login', form({ password: `guess-${i}` }), preCookies, `203.0.113.${i}`)).toMatchObject({ kind: 'redirect' });
    }
    const blocked = await post('/login', form(), preCookies, '203.0.113.200');
    expect(blocked).toMatchObject({ kind: 'page', status: 429, page: 'too-many-tries' });
    expect(blocked.kind === 'page' && blocked.retryAfterSeconds).toBeGreaterThan(0);
  }, 20_000);
});

describe('POST /activate', () => {
  it('sends a signed-out person to sign in first', async () => {
    expect(await post('/activate', { user_code: 'BCDFGHJK' })).toEqual({ kind: 'redirect', location: '/login?next=%2Factivate' });
  });

  it('goes to the confirm screen for a live code typed in any case, with spaces, without a dash', async () => {
    const s = await signedIn();
    await deviceCode();
    expect(await post('/activate', { csrf: s.csrf, user_code: ' bcdf ghjk ' }, s.cookies)).toEqual({ kind: 'redirect', location: '/activate/confirm' });
    expect((await sessionData(s.idHash)).confirming).toBe('BCDFGHJK');
    // Looking is not deciding (RFC 8628 §5.4).
    expect((await portal.store.findDeviceCodeByUserCode('BCDFGHJK'))?.status).toBe('pending');
  });

  it('refuses a POST without the CSRF token, changing nothing', async () => {
    const s = await signedIn();
    expect(await post('/activate', { user_code: 'BCDFGHJK' }, s.cookies)).toMatchObject({ kind: 'page', status: 403, page: 'form-expired' });
    expect(await sessionData(s.idHash)).toEqual({});
  });

  it('explains expired codes on the result page', async () => {
    const s = await signedIn();
    await deviceCode({ createdAt: portal.now - 700_000, expiresAt: portal.now - 100_000 });
    expect(await post('/activate', { csrf: s.csrf, user_code: 'BCDF-GHJK' }, s.cookies)).toEqual({ kind: 'redirect', location: '/activate/done' });
    expect((await sessionData(s.idHash)).result).toEqual({ kind: 'expired' });
  });

  it('limits wrong codes per session (429 with Retry-After), even for a right code afterwards', async () => {
    const s = await signedIn();
    await deviceCode();
    for (let i = 0; i < 5; i++) {
      expect(await post('/activate', { csrf: s.csrf, user_code: 'ZZZZZZZZ' }, s.cookies, `203.0.113.${i}`)).toEqual({ kind: 'redirect', location: '/activate' });
    }
    expect((await sessionData(s.idHash)).flash).toBe('wrong-code');
    expect(await post('/activate', { csrf: s.csrf, user_code: 'BCDFGHJK' }, s.cookies, '203.0.113.99')).toMatchObject({ kind: 'page', status: 429 });
    // A minute and a bit later the sliding window lets the person try again.
    portal.now += 75_000;
    expect(await post('/activate', { csrf: s.csrf, user_code: 'BCDFGHJK' }, s.cookies, '203.0.113.99')).toMatchObject({ location: '/activate/confirm' });
  });

  it('a wrong code (or text that is not a code) is kept, as typed, for the form to show again', async () => {
    const s = await signedIn();
    await deviceCode();
    await post('/activate', { csrf: s.csrf, user_code: ' bcdf ghjz ' }, s.cookies);
    expect(await sessionData(s.idHash)).toEqual({ flash: 'wrong-code', typedCode: 'bcdf ghjz' });
    await post('/activate', { csrf: s.csrf, user_code: 'hello' }, s.cookies);
    expect(await sessionData(s.idHash)).toEqual({ flash: 'not-a-code', typedCode: 'hello' });
  });

  it('does not count text that cannot be a code', async () => {
    const s = await signedIn();
    for (let i = 0; i < 8; i++) await post('/activate', { csrf: s.csrf, user_code: 'hello' }, s.cookies);
    expect((await sessionData(s.idHash)).flash).toBe('not-a-code');
    expect(await portal.store.peekRateLimit(`code-session:${s.idHash}`, 60_000, portal.now)).toEqual({ current: 0, previous: 0 });
  });
});

describe('POST /activate/confirm', () => {
  /** The person typed the code and sees the confirm screen for it. */
  async function shown(s: SignedIn, userCode: string) {
    expect(await post('/activate', { csrf: s.csrf, user_code: userCode }, s.cookies)).toMatchObject({ location: '/activate/confirm' });
  }

  it('decides only the code this session was shown: guesses posted here get nowhere', async () => {
    const s = await signedIn();
    const code = await deviceCode();
    expect(await post('/activate/confirm', { csrf: s.csrf, user_code: code.userCode, decision: 'approve' }, s.cookies)).toMatchObject({ status: 400 });
    expect((await portal.store.findDeviceCode(code.deviceCodeHash))?.status).toBe('pending');
  });

  it('approves once; a second submit lands on "already approved"', async () => {
    const s = await signedIn();
    const code = await deviceCode();
    await shown(s, code.userCode);
    expect(await post('/activate/confirm', { csrf: s.csrf, user_code: code.userCode, decision: 'approve' }, s.cookies)).toEqual({ kind: 'redirect', location: '/activate/done' });
    expect(await portal.store.findDeviceCode(code.deviceCodeHash)).toMatchObject({ status: 'approved', userId: 'u1' });
    expect((await sessionData(s.idHash)).result).toEqual({ kind: 'approved', deviceName: 'Living room TV', deviceModel: null, clientName: 'Pairgate TV' });
    await post('/activate/confirm', { csrf: s.csrf, user_code: code.userCode, decision: 'deny' }, s.cookies);
    expect((await sessionData(s.idHash)).result).toEqual({ kind: 'already-approved' });
    expect((await portal.store.findDeviceCode(code.deviceCodeHash))?.status).toBe('approved');
  });

  it('denies', async () => {
    const s = await signedIn();
    const code = await deviceCode();
    await shown(s, code.userCode);
    await post('/activate/confirm', { csrf: s.csrf, user_code: code.userCode, decision: 'deny' }, s.cookies);
    expect((await portal.store.findDeviceCode(code.deviceCodeHash))?.status).toBe('denied');
    expect((await sessionData(s.idHash)).result?.kind).toBe('denied');
  });

  it('refuses a forged POST (no or wrong token, or no session) and changes nothing', async () => {
    const s = await signedIn();
    const other = await signedIn();
    const code = await deviceCode();
    await shown(s, code.userCode);
    expect(await post('/activate/confirm', { user_code: code.userCode, decision: 'approve' }, s.cookies)).toMatchObject({ status: 403 });
    expect(await post('/activate/confirm', { csrf: other.csrf, user_code: code.userCode, decision: 'approve' }, s.cookies)).toMatchObject({ status: 403 });
    expect(await post('/activate/confirm', { csrf: s.csrf, user_code: code.userCode, decision: 'approve' })).toMatchObject({ kind: 'redirect', location: '/login?next=%2Factivate' });
    expect((await portal.store.findDeviceCode(code.deviceCodeHash))?.status).toBe('pending');
  });

  it('answers nonsense with a 400 page', async () => {
    const s = await signedIn();
    expect(await post('/activate/confirm', { csrf: s.csrf, user_code: 'BCDFGHJK', decision: 'maybe' }, s.cookies)).toMatchObject({ status: 400 });
  });
});

describe('POST /account/devices and /logout', () => {
  async function grant(userId: string) {
    const g = { id: `g-${newSecret()}`, userId, clientId: 'tv', scope: 'openid', deviceName: 'TV', deviceModel: null, authTime: portal.now, createdAt: portal.now, lastUsedAt: null, revokedAt: null };
    await portal.store.createGrant(g);
    return g;
  }

  it('signs out the person’s own device only', async () => {
    const s = await signedIn();
    const mine = await grant('u1');
    const theirs = await grant('someone-else');
    expect(await post('/account/devices', { csrf: s.csrf, grant_id: theirs.id }, s.cookies)).toEqual({ kind: 'redirect', location: '/account/devices' });
    expect((await portal.store.findGrant(theirs.id))?.revokedAt).toBeNull();
    expect((await sessionData(s.idHash)).flash).toBe('device-not-found');
    await post('/account/devices', { csrf: s.csrf, grant_id: mine.id }, s.cookies);
    expect((await portal.store.findGrant(mine.id))?.revokedAt).toBe(portal.now);
    expect((await sessionData(s.idHash)).flash).toBe('device-signed-out');
    expect(await post('/account/devices', { grant_id: mine.id }, s.cookies)).toMatchObject({ status: 403 });
  });

  it('"Sign out everywhere else" revokes every sign-in of this person, no one else’s, and keeps this session', async () => {
    const s = await signedIn();
    const mine = [await grant('u1'), await grant('u1')];
    const theirs = await grant('someone-else');
    expect(await post('/account/devices', { everywhere: '1' }, s.cookies)).toMatchObject({ status: 403 });
    expect((await portal.store.listActiveGrants('u1')).length).toBe(2);
    expect(await post('/account/devices', { csrf: s.csrf, everywhere: '1' }, s.cookies)).toEqual({ kind: 'redirect', location: '/account/devices' });
    for (const g of mine) expect((await portal.store.findGrant(g.id))?.revokedAt).toBe(portal.now);
    expect((await portal.store.findGrant(theirs.id))?.revokedAt).toBeNull();
    expect(await portal.store.findSession(s.idHash, portal.now)).toBeDefined();
    expect((await sessionData(s.idHash)).flash).toBe('signed-out-everywhere');
  });

  it('sign-out with `next` (Switch on the confirm screen) comes back there after the next sign-in; only to this site', async () => {
    const s = await signedIn();
    expect(await post('/logout', { csrf: s.csrf, next: '/activate?user_code=BCDF-GHJK' }, s.cookies)).toMatchObject({
      location: '/login?signed_out=1&next=%2Factivate%3Fuser_code%3DBCDF-GHJK',
    });
    const again = await signedIn();
    expect(await post('/logout', { csrf: again.csrf, next: '//evil.example/' }, again.cookies)).toMatchObject({ location: '/login?signed_out=1&next=%2Factivate' });
  });

  it('sign-out deletes the session record and the cookie', async () => {
    const s = await signedIn();
    expect(await post('/logout', { csrf: 'wrong' }, s.cookies)).toMatchObject({ status: 403 });
    const result = await post('/logout', { csrf: s.csrf }, s.cookies);
    expect(result).toMatchObject({ kind: 'redirect', location: '/login?signed_out=1' });
    expect(result.kind === 'redirect' && result.setCookies?.[0]).toContain('Max-Age=0');
    expect(await portal.store.findSession(s.idHash, portal.now)).toBeUndefined();
  });
});
