import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ISSUER, createFakeServer, type FakeServer } from '../../test/support/fake-authorization-server';
import { startController, until, useFakeClock, type Kiosk } from '../../test/support/controller-harness';

describe('"your devices" (the example protected API) on the signed-in screen', () => {
  let server: FakeServer;
  let kiosk: Kiosk;

  const devices = () => {
    const current = kiosk.view();
    return current.screen === 'signed-in' ? current.devices : undefined;
  };
  const ready = () => devices()?.status === 'ready';

  beforeEach(() => useFakeClock());
  afterEach(() => {
    kiosk?.controller.stop();
    vi.useRealTimers();
  });

  it('asks for devices:read when discovery lists it, calls the API with the bearer token only after sign-in, and shows display rows only', async () => {
    server = await createFakeServer({ interval: 5, devicesApi: true });
    kiosk = startController(server);
    await until(() => kiosk.status() === 'waiting', 'a code');
    expect(server.requests.find((r) => r.path === '/device/code')?.params.scope).toBe('openid profile offline_access devices:read');
    expect(server.devicesCalls).toEqual([]); // nothing before sign-in
    server.approveLatest();
    await until(ready, 'the device list');
    const accessToken = server.issued.find((t) => t.startsWith('at-'));
    expect(server.devicesCalls).toEqual([`Bearer ${accessToken}`]);
    expect(server.requests.find((r) => r.path === '/api/devices')?.method).toBe('GET');
    // This device first, then the most recently used; three rows and a count; no ids.
    expect(devices()).toEqual({
      status: 'ready',
      items: [
        { name: 'Test TV', app: 'TV kiosk', current: true },
        { name: 'Kitchen TV', app: 'TV kiosk', current: false },
        { name: 'Pairgate desktop', app: null, current: false },
      ],
      more: 2,
    });
    expect(kiosk.views.some((v) => v.screen === 'signed-in' && v.devices?.status === 'loading')).toBe(true);

    // Refreshed tokens: a fresh list, with the new token.
    expect(await kiosk.controller.refresh()).toBe('refreshed');
    await until(() => server.devicesCalls.length === 2, 'the list again after a refresh');
    expect(server.devicesCalls[1]).not.toBe(server.devicesCalls[0]);

    await kiosk.controller.signOut();
    await until(() => kiosk.status() === 'waiting', 'a new code');
    const published = JSON.stringify(kiosk.views);
    for (const secret of server.issued) expect(published).not.toContain(secret);
    expect(published).not.toContain('g-this'); // nor the grant ids the API returned
  });

  it('neither asks for devices:read nor calls anything when discovery does not list it (a foreign server)', async () => {
    server = await createFakeServer({ interval: 5 });
    kiosk = startController(server);
    await kiosk.signIn();
    await kiosk.controller.refresh();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.requests.find((r) => r.path === '/device/code')?.params.scope).toBe('openid profile offline_access');
    expect(server.count('/api/devices')).toBe(0);
    expect(devices()).toBeNull();
  });

  it('a configured URL is asked for and called anyway; "off" never is', async () => {
    server = await createFakeServer({ interval: 5 });
    kiosk = startController(server, { devicesApi: `${ISSUER}/api/devices` });
    await kiosk.signIn();
    // The server granted only the scope it knows of (the fake grants the usual three): nothing to call with.
    expect(server.requests.find((r) => r.path === '/device/code')?.params.scope).toBe('openid profile offline_access devices:read');
    expect(server.count('/api/devices')).toBe(0);
    kiosk.controller.stop();

    server = await createFakeServer({ interval: 5, devicesApi: true });
    kiosk = startController(server, { devicesApi: 'off' });
    await kiosk.signIn();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.requests.find((r) => r.path === '/device/code')?.params.scope).toBe('openid profile offline_access');
    expect(server.count('/api/devices')).toBe(0);
    expect(devices()).toBeNull();
  });

  it('a 401 invalid_token refreshes once and reloads the list; invalid_grant at that refresh goes back to pairing', async () => {
    server = await createFakeServer({ interval: 5, devicesApi: true });
    kiosk = startController(server);
    await kiosk.signIn();
    await until(ready, 'the device list');

    server.expireAccessTokens();
    expect(await kiosk.controller.refresh()).toBe('refreshed'); // reloads with the new token: fine
    await until(() => server.devicesCalls.length === 2, 'reloaded');
    server.expireAccessTokens();
    const refreshes = server.count('/token', 'refresh_token');
    // A reload with a token the API no longer takes (its sign-in is being signed out elsewhere).
    server.revokeAll();
    expect(await kiosk.controller.refresh()).toBe('signed-out');
    await until(() => kiosk.status() === 'waiting', 'pairing again');
    expect(server.count('/token', 'refresh_token')).toBe(refreshes + 1);
  });

  it('a 401 from the list call itself: one refresh, then the list; a 401 that persists: one refresh and a note', async () => {
    server = await createFakeServer({ interval: 5, devicesApi: true });
    kiosk = startController(server);
    await kiosk.signIn();
    await until(ready, 'the device list');
    const refreshes = server.count('/token', 'refresh_token');

    // The token stopped working at the API: the next list call (after any refresh) gets 401 once.
    server.failDevicesApi(401);
    const before = server.devicesCalls.length;
    expect(await kiosk.controller.refresh()).toBe('refreshed');
    await until(() => server.count('/token', 'refresh_token') === refreshes + 2, 'a refresh caused by the 401');
    await until(() => devices()?.status === 'unavailable', 'a note');
    // Exactly one extra refresh, no loop.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.count('/token', 'refresh_token')).toBe(refreshes + 2);
    expect(server.devicesCalls.length).toBe(before + 2);
    expect(kiosk.view()).toMatchObject({ screen: 'signed-in', name: 'Ada Lovelace' });

    // The API is back: the next refresh brings the list back.
    server.failDevicesApi(undefined);
    expect(await kiosk.controller.refresh()).toBe('refreshed');
    await until(ready, 'the list again');
  });

  it('a 401 on the list, then invalid_grant at the refresh: back to pairing', async () => {
    server = await createFakeServer({ interval: 5, devicesApi: true, accessTokenTtl: 3600 });
    kiosk = startController(server);
    // Signed out from the phone between the token and the list call.
    server.onDevicesCall = () => server.revokeAll();
    await until(() => kiosk.status() === 'waiting', 'a code');
    server.approveLatest();
    await until(() => kiosk.views.some((v) => v.screen === 'signed-in'), 'signed in');
    await until(() => kiosk.status() === 'waiting', 'pairing again', 60_000);
    expect(server.count('/api/devices')).toBe(1);
    expect(server.count('/token', 'refresh_token')).toBe(1);
  });

  it('a network failure or a 5xx leaves the signed-in screen as it was, with a small note', async () => {
    server = await createFakeServer({ interval: 5, devicesApi: true });
    server.failDevicesApi('offline');
    kiosk = startController(server);
    await kiosk.signIn();
    await until(() => devices()?.status === 'unavailable', 'a note');
    expect(kiosk.view()).toMatchObject({ screen: 'signed-in', name: 'Ada Lovelace', signingOut: false });
    server.failDevicesApi(undefined);
    await kiosk.controller.refresh();
    await until(ready, 'the list after a refresh');
    // A later 503 keeps the list already shown.
    server.failDevicesApi(503);
    await kiosk.controller.refresh();
    await until(() => server.devicesCalls.length === 3, 'the third call');
    await vi.advanceTimersByTimeAsync(100);
    expect(devices()?.status).toBe('ready');
    // 403 (no scope granted) or 404 (no such API): nothing on screen.
    server.failDevicesApi(403);
    await kiosk.controller.refresh();
    await until(() => devices() === null, 'no list');
  });
});
