/**
 * The page loaders in-process, on a real SQLite `:memory:` store and the real OAuth core: what
 * each page gets (plain data), the QR link under the guessing limits, and the one side effect a
 * page view has on purpose — telling the device its confirm screen is open.
 */
import { GrantType } from '@pairgate/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../crypto/hash';
import { createInProcessDeviceEvents, type DeviceEvent, type DeviceEvents } from '../../oauth/device-events';
import { createProvider, type Provider } from '../../oauth/provider';
import { openSqliteStore } from '../../store/sqlite';
import type { DeviceCodeRecord, Store } from '../../store/store';
import { portalDefaults } from '../defaults';
import { formHandlerFor } from '../forms/index';
import { cookieNames, createSession, csrfToken, newSecret, parseSessionData } from '../session';
import { createPortalLoaders } from './index';
import type { PageRequest, PortalLoaders } from './types';

const T0 = Date.UTC(2026, 0, 1, 12);
const PHONE_IP = '198.51.100.1';
let store: Store;
let provider: Provider;
let events: DeviceEvents;
let loaders: PortalLoaders;
let now: number;

beforeEach(async () => {
  now = T0;
  store = openSqliteStore(':memory:');
  await store.migrate();
  // No password is checked here: a placeholder hash, no scrypt.
  await store.createUser({ id: 'u1', email: 'ada@example.com', name: 'Ada', passwordHash: 'unused', createdAt: T0 });
  await store.upsertClient({
    clientId: 'tv', name: 'Pairgate TV', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null,
    grantTypes: [GrantType.DeviceCode, GrantType.RefreshToken], redirectUris: [], scopes: ['openid', 'offline_access'], firstParty: true, createdAt: T0,
  });
  events = createInProcessDeviceEvents();
  provider = createProvider({ store, issuer: 'http://portal.test', events, now: () => now, onUnexpectedError: () => {} });
  loaders = createPortalLoaders({ store, provider, secure: false });
});

afterEach(async () => {
  provider.close();
  await store.close();
});

async function signedIn(userId = 'u1') {
  const { secret, record } = await createSession(store, userId, now, portalDefaults.sessionTtlMs);
  return { secret, idHash: record.idHash, csrf: csrfToken(secret, 'session') };
}

function request(sessionSecret: string | undefined, clientIp = PHONE_IP): PageRequest {
  return { sessionSecret, preSessionSecret: undefined, clientIp, now };
}

async function deviceCode(over: Partial<DeviceCodeRecord> = {}): Promise<DeviceCodeRecord> {
  const record: DeviceCodeRecord = {
    deviceCodeHash: hashSecret(newSecret()), userCode: 'BCDFGHJK', clientId: 'tv', scope: 'openid offline_access',
    deviceName: 'Living room TV', deviceModel: 'Pairgate Stick 2', clientIp: '198.51.100.77', createdAt: now, expiresAt: now + 600_000,
    interval: 5, lastPolledAt: null, status: 'pending', userId: null, decidedAt: null, ...over,
  };
  expect(await store.insertDeviceCode(record)).toBe(true);
  return record;
}

/** Every event the device waiting on `record` would be told. */
function heard(record: DeviceCodeRecord): DeviceEvent[] {
  const seen: DeviceEvent[] = [];
  events.subscribe(record.deviceCodeHash, (event) => seen.push(event));
  return seen;
}

const sessionData = async (idHash: string) => parseSessionData((await store.findSession(idHash, now))?.data ?? '{}');

describe('the QR link (GET /activate?user_code=…)', () => {
  it('signed in: straight on to the confirm screen, deciding nothing', async () => {
    const s = await signedIn();
    const code = await deviceCode();
    expect(await loaders.activateScreen(request(s.secret), 'bcdf-ghjk')).toEqual({ kind: 'redirect', location: '/activate/confirm' });
    expect((await sessionData(s.idHash)).confirming).toBe('BCDFGHJK');
    // RFC 8628 §5.4: a GET never approves.
    expect((await store.findDeviceCode(code.deviceCodeHash))?.status).toBe('pending');
  });

  it('signed out: nothing is looked up (the page sends the person to sign in first)', async () => {
    expect(await loaders.activateScreen(request(undefined), 'BCDF-GHJK')).toEqual({ kind: 'signed-out' });
    expect(await store.peekRateLimit(`code-ip:${PHONE_IP}`, 60_000, now)).toEqual({ current: 0, previous: 0 });
  });

  it('a wrong code from a link counts against the same limits as the form: the sixth try is refused, right code or not', async () => {
    const s = await signedIn();
    await deviceCode();
    for (const wrong of ['ZZZZ-ZZZZ', 'XXXX-XXXX', 'WWWW-WWWW']) {
      expect(await loaders.activateScreen(request(s.secret), wrong)).toEqual({ kind: 'redirect', location: '/activate' });
    }
    // Two more through the form: one count for both doors.
    for (const wrong of ['VVVVVVVV', 'TTTTTTTT']) {
      await formHandlerFor('/activate')!(
        { store, provider, secure: false, names: cookieNames(false), settings: portalDefaults },
        { path: '/activate', form: new URLSearchParams({ csrf: s.csrf, user_code: wrong }), cookies: new Map([[cookieNames(false).session, s.secret]]), clientIp: PHONE_IP, now },
      );
    }
    const blocked = await loaders.activateScreen(request(s.secret), 'BCDF-GHJK');
    expect(blocked).toMatchObject({ kind: 'form', prefill: 'BCDF-GHJK', problem: { kind: 'too-many-tries' } });
    expect(blocked.kind === 'form' && blocked.problem?.kind === 'too-many-tries' && blocked.problem.retryAfterSeconds).toBeGreaterThan(0);
    expect((await sessionData(s.idHash)).confirming).toBeUndefined();
    // The sliding window moves on: the link works again.
    now += 75_000;
    expect(await loaders.activateScreen(request(s.secret), 'BCDF-GHJK')).toEqual({ kind: 'redirect', location: '/activate/confirm' });
  });

  it('a wrong code comes back in the form as it was typed, with the error, once', async () => {
    const s = await signedIn();
    expect(await loaders.activateScreen(request(s.secret), 'bcdf ghjz')).toEqual({ kind: 'redirect', location: '/activate' });
    expect(await loaders.activateScreen(request(s.secret), undefined)).toMatchObject({ kind: 'form', prefill: 'bcdf ghjz', problem: { kind: 'wrong-code' } });
    expect(await loaders.activateScreen(request(s.secret), undefined)).toMatchObject({ kind: 'form', prefill: '', problem: undefined });
  });

  it('an expired code goes to the page that says so', async () => {
    const s = await signedIn();
    await deviceCode({ createdAt: now - 700_000, expiresAt: now - 100_000 });
    expect(await loaders.activateScreen(request(s.secret), 'BCDFGHJK')).toEqual({ kind: 'redirect', location: '/activate/done' });
    expect(await loaders.doneScreen(request(s.secret))).toMatchObject({ kind: 'result', result: { kind: 'expired' } });
  });
});

describe('the confirm screen', () => {
  it('tells the device "opened" once per confirm view, and no other page does', async () => {
    const s = await signedIn();
    const code = await deviceCode();
    const seen = heard(code);
    const req = request(s.secret);

    await loaders.activateScreen(req, 'BCDF-GHJK');
    await loaders.activateScreen(req, undefined);
    await loaders.viewer(req);
    await loaders.loginScreen(req);
    await loaders.doneScreen(req);
    await loaders.accountOverview(req);
    await loaders.consentScreen(req, 'no-such-request');
    expect(seen).toEqual([]);

    expect(await loaders.confirmScreen(req)).toMatchObject({ kind: 'confirm' });
    expect(seen).toEqual(['opened']);
    await loaders.confirmScreen(req); // a reload is another view
    expect(seen).toEqual(['opened', 'opened']);
  });

  it('a code that can no longer be decided: the reason, and no "opened"', async () => {
    const s = await signedIn();
    const code = await deviceCode();
    const seen = heard(code);
    await loaders.activateScreen(request(s.secret), 'BCDFGHJK');
    now = code.expiresAt;
    expect(await loaders.confirmScreen(request(s.secret))).toMatchObject({ kind: 'result', result: { kind: 'expired' } });
    expect(seen).toEqual([]);
  });

  it('shows the device’s own name, the app once, the account approving, and nothing secret', async () => {
    const s = await signedIn();
    await deviceCode();
    await loaders.activateScreen(request(s.secret), 'BCDFGHJK');
    const screen = await loaders.confirmScreen(request(s.secret));
    expect(screen).toEqual({
      kind: 'confirm',
      viewer: { name: 'Ada', email: 'ada@example.com', csrf: s.csrf },
      details: {
        userCode: 'BCDFGHJK', deviceName: 'Living room TV', deviceModel: 'Pairgate Stick 2', appName: 'Pairgate TV',
        requestedAt: T0, scopes: ['openid', 'offline_access'], network: 'same', step: 'approve', choices: undefined, limited: false,
      },
      now,
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
    await loaders.activateScreen(request(s.secret, phone), 'BCDFGHJK');
    expect(await loaders.confirmScreen(request(s.secret, phone))).toMatchObject({ details: { network } });
  });

  it('without a code to confirm: the last outcome (or none)', async () => {
    const s = await signedIn();
    expect(await loaders.confirmScreen(request(s.secret))).toMatchObject({ kind: 'result', result: undefined });
  });
});

describe('Devices and apps', () => {
  it('one name per card, the app only when the device named itself, plain rows', async () => {
    const s = await signedIn();
    const base = { userId: 'u1', clientId: 'tv', scope: 'openid', authTime: now, lastUsedAt: null, revokedAt: null };
    await store.createGrant({ ...base, id: 'g-named', deviceName: 'Hall kiosk', deviceModel: 'Pi 5', createdAt: now - 1 });
    await store.createGrant({ ...base, id: 'g-app', deviceName: null, deviceModel: null, createdAt: now - 2, lastUsedAt: now - 1 });
    await store.createGrant({ ...base, id: 'g-other', userId: 'someone-else', deviceName: 'Not yours', deviceModel: null, createdAt: now });
    const overview = await loaders.accountOverview(request(s.secret));
    if (overview.kind !== 'account') throw new Error(overview.kind);
    expect(overview.devices).toEqual([
      { grantId: 'g-named', name: 'Hall kiosk', app: 'Pairgate TV', model: 'Pi 5', approvedAt: now - 1, lastUsedAt: null, approvedFrom: undefined, limited: false },
      { grantId: 'g-app', name: 'Pairgate TV', app: undefined, model: undefined, approvedAt: now - 2, lastUsedAt: now - 1, approvedFrom: undefined, limited: false },
    ]);
    expect(overview.tokenMinutes).toBe(10);
  });

  it('shows a one-shot notice once', async () => {
    const s = await signedIn();
    await formHandlerFor('/account/devices')!(
      { store, provider, secure: false, names: cookieNames(false), settings: portalDefaults },
      { path: '/account/devices', form: new URLSearchParams({ csrf: s.csrf, everywhere: '1' }), cookies: new Map([[cookieNames(false).session, s.secret]]), clientIp: PHONE_IP, now },
    );
    expect(await loaders.accountOverview(request(s.secret))).toMatchObject({ notice: 'signed-out-everywhere' });
    expect(await loaders.accountOverview(request(s.secret))).toMatchObject({ notice: undefined });
  });
});

describe('every page that needs a person', () => {
  it('is signed-out without a live session', async () => {
    const gone = request('x'.repeat(43));
    expect(await loaders.viewer(gone)).toBeUndefined();
    for (const screen of [
      await loaders.activateScreen(gone, undefined),
      await loaders.confirmScreen(gone),
      await loaders.doneScreen(gone),
      await loaders.accountOverview(gone),
      await loaders.consentScreen(gone, 'r'),
    ]) {
      expect(screen).toEqual({ kind: 'signed-out' });
    }
  });

  it('the sign-in form’s token is bound to the pre-session cookie', async () => {
    const pre = newSecret();
    expect(await loaders.loginScreen({ ...request(undefined), preSessionSecret: pre })).toEqual({ signedInEmail: undefined, csrf: csrfToken(pre, 'login') });
    expect(await loaders.loginScreen(request(undefined))).toEqual({ signedInEmail: undefined, csrf: '' });
    const s = await signedIn();
    expect(await loaders.loginScreen(request(s.secret))).toMatchObject({ signedInEmail: 'ada@example.com' });
  });
});
