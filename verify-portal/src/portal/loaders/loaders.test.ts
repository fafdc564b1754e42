/**
 * The page loaders in-process, on a real SQLite `:memory:` store and the real OAuth core: what
 * each page gets (plain data), the QR link under the guessing limits, and the one side effect a
 * page view has on purpose — telling the device its confirm screen is open.
 */
import { describe, expect, it } from 'vitest';
import { csrfToken, newSecret } from '../session';
import { PHONE_IP, T0, usePortal } from '../test-support';

const portal = usePortal();
const { signedIn, request, deviceCode, heard, sessionData } = portal;

describe('the QR link (GET /activate?user_code=…)', () => {
  it('signed in: straight on to the confirm screen, deciding nothing', async () => {
    const s = await signedIn();
    const code = await deviceCode();
    expect(await portal.loaders.activateScreen(request(s.secret), 'bcdf-ghjk')).toEqual({ kind: 'redirect', location: '/activate/confirm' });
    expect((await sessionData(s.idHash)).confirming).toBe('BCDFGHJK');
    // RFC 8628 §5.4: a GET never approves.
    expect((await portal.store.findDeviceCode(code.deviceCodeHash))?.status).toBe('pending');
  });

  it('signed out: nothing is looked up (the page sends the person to sign in first)', async () => {
    expect(await portal.loaders.activateScreen(request(undefined), 'BCDF-GHJK')).toEqual({ kind: 'signed-out' });
    expect(await portal.store.peekRateLimit(`code-ip:${PHONE_IP}`, 60_000, portal.now)).toEqual({ current: 0, previous: 0 });
  });

  it('a wrong code from a link counts against the same limits as the form: the sixth try is refused, right code or not', async () => {
    const s = await signedIn();
    await deviceCode();
    for (const wrong of ['ZZZZ-ZZZZ', 'XXXX-XXXX', 'WWWW-WWWW']) {
      expect(await portal.loaders.activateScreen(request(s.secret), wrong)).toEqual({ kind: 'redirect', location: '/activate' });
    }
    // Two more through the form: one count for both doors.
    for (const wrong of ['VVVVVVVV', 'TTTTTTTT']) {
      await portal.post('/activate', { csrf: s.csrf, user_code: wrong }, s.cookies);
    }
    const blocked = await portal.loaders.activateScreen(request(s.secret), 'BCDF-GHJK');
    expect(blocked).toMatchObject({ kind: 'form', prefill: 'BCDF-GHJK', problem: { kind: 'too-many-tries' } });
    expect(blocked.kind === 'form' && blocked.problem?.kind === 'too-many-tries' && blocked.problem.retryAfterSeconds).toBeGreaterThan(0);
    expect((await sessionData(s.idHash)).confirming).toBeUndefined();
    // The sliding window moves on: the link works again.
    portal.now += 75_000;
    expect(await portal.loaders.activateScreen(request(s.secret), 'BCDF-GHJK')).toEqual({ kind: 'redirect', location: '/activate/confirm' });
  });

  it('a wrong code comes back in the form as it was typed, with the error, once', async () => {
    const s = await signedIn();
    expect(await portal.loaders.activateScreen(request(s.secret), 'bcdf ghjz')).toEqual({ kind: 'redirect', location: '/activate' });
    expect(await portal.loaders.activateScreen(request(s.secret), undefined)).toMatchObject({ kind: 'form', prefill: 'bcdf ghjz', problem: { kind: 'wrong-code' } });
    expect(await portal.loaders.activateScreen(request(s.secret), undefined)).toMatchObject({ kind: 'form', prefill: '', problem: undefined });
  });

  it('an expired code goes to the page that says so', async () => {
    const s = await signedIn();
    await deviceCode({ createdAt: portal.now - 700_000, expiresAt: portal.now - 100_000 });
    expect(await portal.loaders.activateScreen(request(s.secret), 'BCDFGHJK')).toEqual({ kind: 'redirect', location: '/activate/done' });
    expect(await portal.loaders.doneScreen(request(s.secret))).toMatchObject({ kind: 'result', result: { kind: 'expired' } });
  });
});

describe('the confirm screen', () => {
  it('tells the device "opened" once per confirm view, and no other page does', async () => {
    const s = await signedIn();
    const code = await deviceCode();
    const seen = heard(code);
    const req = request(s.secret);

    await portal.loaders.activateScreen(req, 'BCDF-GHJK');
    await portal.loaders.activateScreen(req, undefined);
    await portal.loaders.viewer(req);
    await portal.loaders.loginScreen(req);
    await portal.loaders.doneScreen(req);
    await portal.loaders.accountOverview(req);
    await portal.loaders.consentScreen(req, 'no-such-request');
    expect(seen).toEqual([]);

    expect(await portal.loaders.confirmScreen(req)).toMatchObject({ kind: 'confirm' });
    expect(seen).toEqual(['opened']);
    await portal.loaders.confirmScreen(req); // a reload is another view
    expect(seen).toEqual(['opened', 'opened']);
  });

  it('a code that can no longer be decided: the reason, and no "opened"', async () => {
    const s = await signedIn();
    const code = await deviceCode();
    const seen = heard(code);
    await portal.loaders.activateScreen(request(s.secret), 'BCDFGHJK');
    portal.now = code.expiresAt;
    expect(await portal.loaders.confirmScreen(request(s.secret))).toMatchObject({ kind: 'result', result: { kind: 'expired' } });
    expect(seen).toEqual([]);
  });

  it('shows the device’s own name, the app once, the account approving, and nothing secret', async () => {
    const s = await signedIn();
    await deviceCode({ deviceModel: 'Pairgate Stick 2' });
    await portal.loaders.activateScreen(request(s.secret), 'BCDFGHJK');
    const screen = await portal.loaders.confirmScreen(request(s.secret));
    expect(screen).toEqual({
      kind: 'confirm',
      viewer: { name: 'Ada', email: 'ada@example.com', csrf: s.csrf },
      details: {
        userCode: 'BCDFGHJK', deviceName: 'Living room TV', deviceModel: 'Pairgate Stick 2', appName: 'Pairgate TV',
        requestedAt: T0, scopes: ['openid', 'offline_access'], network: 'same', step: 'approve', choices: undefined, limited: false,
      },
      now: portal.now,
    });
    expect(JSON.stringify(screen)).not.toContain(s.secret);
  });

  it.each([
    ['127.0.0.1', '::1', 'same'],
    ['::ffff:192.0.2.7', '192.0.2.1', 'same'],
    ['2001:db8:1:2::aaaa', '2001:db8:1:2:ffff::1', 'same'],
    ['192.0.2.1', '198.51.100.1', 'different'],
    ['2001:db8:1:2::1', '2001:db8:1:3::1', 'different'],
  ])('device at %s, phone at %s: %s network', async (device, phone, network) => {
    const s = await signedIn();
    await deviceCode({ clientIp: device });
    await portal.loaders.activateScreen(request(s.secret, phone), 'BCDFGHJK');
    expect(await portal.loaders.confirmScreen(request(s.secret, phone))).toMatchObject({ details: { network } });
  });

  it('without a code to confirm: the last outcome (or none)', async () => {
    const s = await signedIn();
    expect(await portal.loaders.confirmScreen(request(s.secret))).toMatchObject({ kind: 'result', result: undefined });
  });
});

describe('Devices and apps', () => {
  it('one name per card, the app only when the device named itself, plain rows', async () => {
    const s = await signedIn();
    const base = { userId: 'u1', clientId: 'tv', scope: 'openid', authTime: portal.now, lastUsedAt: null, revokedAt: null };
    await portal.store.createGrant({ ...base, id: 'g-named', deviceName: 'Hall kiosk', deviceModel: 'Pi 5', createdAt: portal.now - 1 });
    await portal.store.createGrant({ ...base, id: 'g-app', deviceName: null, deviceModel: null, createdAt: portal.now - 2, lastUsedAt: portal.now - 1 });
    await portal.store.createGrant({ ...base, id: 'g-other', userId: 'someone-else', deviceName: 'Not yours', deviceModel: null, createdAt: portal.now });
    const overview = await portal.loaders.accountOverview(request(s.secret));
    if (overview.kind !== 'account') throw new Error(overview.kind);
    expect(overview.devices).toEqual([
      { grantId: 'g-named', name: 'Hall kiosk', app: 'Pairgate TV', model: 'Pi 5', approvedAt: portal.now - 1, lastUsedAt: null, approvedFrom: undefined, limited: false },
      { grantId: 'g-app', name: 'Pairgate TV', app: undefined, model: undefined, approvedAt: portal.now - 2, lastUsedAt: portal.now - 1, approvedFrom: undefined, limited: false },
    ]);
    expect(overview.tokenMinutes).toBe(10);
  });

  it('shows a one-shot notice once', async () => {
    const s = await signedIn();
    await portal.post('/account/devices', { csrf: s.csrf, everywhere: '1' }, s.cookies);
    expect(await portal.loaders.accountOverview(request(s.secret))).toMatchObject({ notice: 'signed-out-everywhere' });
    expect(await portal.loaders.accountOverview(request(s.secret))).toMatchObject({ notice: undefined });
  });
});

describe('every page that needs a person', () => {
  it('is signed-out without a live session', async () => {
    const gone = request('x'.repeat(43));
    expect(await portal.loaders.viewer(gone)).toBeUndefined();
    for (const screen of [
      await portal.loaders.activateScreen(gone, undefined),
      await portal.loaders.confirmScreen(gone),
      await portal.loaders.doneScreen(gone),
      await portal.loaders.accountOverview(gone),
      await portal.loaders.consentScreen(gone, 'r'),
    ]) {
      expect(screen).toEqual({ kind: 'signed-out' });
    }
  });

  it('the sign-in form’s token is bound to the pre-session cookie', async () => {
    const pre = newSecret();
    expect(await portal.loaders.loginScreen({ ...request(undefined), preSessionSecret: pre })).toEqual({ signedInEmail: undefined, csrf: csrfToken(pre, 'login') });
    expect(await portal.loaders.loginScreen(request(undefined))).toEqual({ signedInEmail: undefined, csrf: '' });
    const s = await signedIn();
    expect(await portal.loaders.loginScreen(request(s.secret))).toMatchObject({ signedInEmail: 'ada@example.com' });
  });
});
