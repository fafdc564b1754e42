/**
 * The phase machine itself: which commands mean something in which phase, that leaving a phase
 * stops its work, and that nothing secret ever reaches a view state. (Each phase's own behaviour
 * is tested beside its module: pairing, session, devices-list, browser-sign-in.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeServer, type FakeServer } from '../../test/support/fake-authorization-server';
import { SpyVault, realTick, startController, until, useFakeClock, type Kiosk } from '../../test/support/controller-harness';

describe('SessionController: the phases', () => {
  let server: FakeServer;
  let kiosk: Kiosk;

  beforeEach(async () => {
    useFakeClock();
    server = await createFakeServer({ interval: 5 });
  });

  afterEach(() => {
    kiosk?.controller.stop();
    vi.useRealTimers();
  });

  it('never puts a token or device code into a view state', async () => {
    kiosk = startController(server);
    await kiosk.signIn();
    await kiosk.controller.refresh();
    await kiosk.controller.signOut();
    await until(() => kiosk.status() === 'waiting', 'a new code');
    const published = JSON.stringify(kiosk.views);
    expect(server.issued.length).toBeGreaterThan(5);
    for (const secret of server.issued) expect(published).not.toContain(secret);
  });

  it('refresh and sign-out mean nothing before a sign-in: no request, no view change', async () => {
    kiosk = startController(server);
    await until(() => kiosk.status() === 'waiting', 'a code');
    const views = kiosk.views.length;
    expect(await kiosk.controller.refresh()).toBe('not-signed-in');
    await kiosk.controller.signOut();
    expect(server.count('/token', 'refresh_token')).toBe(0);
    expect(server.count('/revoke')).toBe(0);
    expect(kiosk.views.length).toBe(views);
    await expect(kiosk.controller.start()).rejects.toThrow(/only be called once/);
  });

  it('"Sign out" twice is one sign-out: one revocation, one new code', async () => {
    kiosk = startController(server);
    await kiosk.signIn();
    const first = kiosk.controller.signOut();
    const second = kiosk.controller.signOut();
    await Promise.all([first, second]);
    await until(() => kiosk.status() === 'waiting', 'a new code');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.count('/revoke')).toBe(1);
    expect(server.count('/device/code')).toBe(2);
  });

  it('leaving the signed-in phase stops its refresh loop', async () => {
    server = await createFakeServer({ interval: 5, accessTokenTtl: 100 });
    kiosk = startController(server);
    await kiosk.signIn();
    await until(() => server.count('/token', 'refresh_token') === 1, 'a background refresh');
    await kiosk.controller.signOut();
    await until(() => kiosk.status() === 'waiting', 'a new code');
    const refreshes = server.count('/token', 'refresh_token');
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(server.count('/token', 'refresh_token')).toBe(refreshes);
  });

  it('stop() ends everything: no more requests, timers or views, even mid sign-out', async () => {
    const vault = new SpyVault();
    kiosk = startController(server, { vault });
    await kiosk.signIn();
    kiosk.controller.dispatch({ type: 'sign-out' });
    kiosk.controller.stop();
    const views = kiosk.views.length;
    const requests = server.requests.length;
    await realTick();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(kiosk.views.length).toBe(views);
    // At most the revocation already under way; no new code, no polling.
    expect(server.requests.slice(requests).map((r) => r.path)).not.toContain('/device/code');
    expect(server.count('/device/code')).toBe(1);
  });
});
