import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeServer } from '../../test/support/fake-authorization-server';
import { startController, until, useFakeClock } from '../../test/support/controller-harness';
import type { BrowserHost, TabOutcome } from './desktop-sign-in';
import { MemoryVault } from './vault';

describe('desktop mode: sign in with the browser (host-agnostic: a fake browser and loopback)', () => {
  beforeEach(() => useFakeClock());
  afterEach(() => vi.useRealTimers());

  it('signs in through the browser host, then shares the kiosk’s refresh: invalid_grant goes back to the browser sign-in screen', async () => {
    const server = await createFakeServer({ devicesApi: true });
    const tabs: TabOutcome[] = [];
    const opened: string[] = [];
    let deliver: ((url: URL) => void) | undefined;
    const browser: BrowserHost = {
      // The browser and the person: the server answers, the "tab" follows the redirect.
      openBrowser: async (url) => {
        opened.push(url);
        deliver?.(new URL(server.authorize(url)));
      },
      loopback: async () => {
        const callback = new Promise<URL>((resolve) => (deliver = resolve));
        return { redirectUri: 'http://127.0.0.1:49152/callback', callback, respond: (outcome) => tabs.push(outcome), close: () => undefined };
      },
    };
    const vault = new MemoryVault();
    const { controller, started, view: state } = startController(server, { clientId: 'desktop-app', deviceName: 'Laptop', deviceModel: 'M', vault, mode: 'desktop', browser });
    await started;
    expect(state()).toEqual({ screen: 'browser-sign-in', status: 'ready', failure: null, notice: null });
    controller.dispatch({ type: 'sign-in' });
    await until(() => state().screen === 'signed-in', 'signed in');
    expect(tabs).toEqual(['signed-in']);
    expect(state()).toMatchObject({ name: 'Ada Lovelace' });
    expect((await vault.load())?.refreshToken).toMatch(/^rt-/);
    // "Your devices" in desktop mode too: asked for in the authorization request, called by the controller.
    expect(new URL(opened[0] as string).searchParams.get('scope')).toBe('openid profile offline_access devices:read');
    await until(() => {
      const current = state();
      return current.screen === 'signed-in' && current.devices?.status === 'ready';
    }, 'the device list');
    expect(server.devicesCalls).toHaveLength(1);

    expect(await controller.refresh()).toBe('refreshed');
    server.revokeAll();
    expect(await controller.refresh()).toBe('signed-out');
    await until(() => state().screen === 'browser-sign-in', 'the browser sign-in screen');
    expect(state()).toEqual({ screen: 'browser-sign-in', status: 'ready', failure: null, notice: null });
    expect(await vault.load()).toBeUndefined();
    expect(server.count('/device/code')).toBe(0);
    controller.stop();
  });
});
