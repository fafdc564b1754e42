import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeServer, ISSUER, type FakeServer } from '../../test/support/fake-authorization-server';
import { SessionController } from './controller';
import type { BrowserHost, TabOutcome } from './desktop-sign-in';
import type { WebSocketLike } from './push-hint';
import { MemoryVault, type SaveResult, type StoredSession, type TokenVault } from './vault';
import type { ViewState } from './view-state';

const realTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Advances the fake clock in small steps (letting real crypto and promises settle) until `predicate` holds. */
async function until(predicate: () => boolean, what: string, maxMs = 30 * 60_000, stepMs = 250): Promise<void> {
  for (let elapsed = 0; elapsed <= maxMs; elapsed += stepMs) {
    for (let i = 0; i < 20; i++) {
      if (predicate()) return;
      await realTick();
    }
    await vi.advanceTimersByTimeAsync(stepMs);
  }
  throw new Error(`timed out waiting for: ${what}`);
}

class SpyVault extends MemoryVault {
  saved: StoredSession[] = [];
  cleared = 0;
  override async save(session: StoredSession): Promise<SaveResult> {
    this.saved.push(session);
    return super.save(session);
  }
  override async clear(): Promise<void> {
    this.cleared += 1;
    return super.clear();
  }
}

describe('SessionController', () => {
  let server: FakeServer;
  let controller: SessionController;
  let views: ViewState[];
  let vault: SpyVault;

  function startController(options: { vault?: TokenVault; maxRenewals?: number; devicesApi?: string } = {}) {
    controller = new SessionController({
      issuer: ISSUER,
      clientId: 'tv-kiosk',
      scope: 'openid profile offline_access',
      deviceName: 'Test TV',
      deviceModel: 'Model T',
      vault: options.vault ?? vault,
      fetch: server.fetch,
      ...(options.maxRenewals === undefined ? {} : { maxRenewals: options.maxRenewals }),
      ...(options.devicesApi === undefined ? {} : { devicesApi: options.devicesApi }),
    });
    controller.subscribe((view) => views.push(view));
    void controller.start();
  }

  const view = () => controller.getState();
  const status = () => {
    const current = view();
    return current.screen === 'pairing' ? current.status : current.screen;
  };
  const userCode = () => {
    const current = view();
    return current.screen === 'pairing' ? (current.code?.userCode ?? null) : null;
  };

  async function signIn(): Promise<void> {
    await until(() => status() === 'waiting', 'a code');
    server.approveLatest();
    await until(() => view().screen === 'signed-in', 'signed in');
  }

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    server = await createFakeServer({ interval: 5 });
    views = [];
    vault = new SpyVault();
  });

  afterEach(() => {
    controller?.stop();
    vi.useRealTimers();
  });

  it('shows a grouped, spelled-out code with the QR target, then the name from the verified ID token', async () => {
    startController();
    await until(() => status() === 'waiting', 'a code');
    const current = view();
    if (current.screen !== 'pairing' || !current.code) throw new Error('no code shown');
    expect(current.code.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(current.code.spokenCode).toMatch(/^([A-Z] ){3}[A-Z], ([A-Z] ){3}[A-Z]$/);
    expect(current.code.qrUri).toBe(`${ISSUER}/activate?user_code=${current.code.userCode.replace('-', '')}`);
    expect(current.code.expiresAt).toBe(Date.now() + 600_000);
    // Pairgate's device_name / device_model reach the server (RFC 8628 §5.4: the person checks the device).
    expect(server.requests.find((r) => r.path === '/device/code')?.params).toMatchObject({ device_name: 'Test TV', device_model: 'Model T', scope: 'openid profile offline_access' });

    server.approveLatest();
    await until(() => view().screen === 'signed-in', 'signed in');
    expect(view()).toEqual({ screen: 'signed-in', name: 'Ada Lovelace', signingOut: false, notice: null, devices: null });
    // The name came from the ID token: no userinfo call was needed.
    expect(server.count('/userinfo')).toBe(0);
    expect(vault.saved).toHaveLength(1);
  });

  it('never puts a token or device code into a view state', async () => {
    startController();
    await signIn();
    await controller.refresh();
    await controller.signOut();
    await until(() => status() === 'waiting', 'a new code');
    const published = JSON.stringify(views);
    expect(server.issued.length).toBeGreaterThan(5);
    for (const secret of server.issued) expect(published).not.toContain(secret);
  });

  it('gets a new code when one expires, a bounded number of times, then waits for a key press', async () => {
    server = await createFakeServer({ interval: 5, expiresIn: 30 });
    startController({ maxRenewals: 2 });
    await until(() => status() === 'waiting', 'a code');
    const first = userCode();
    await until(() => status() === 'waiting' && userCode() !== first, 'the second code');
    // In between, the screen said so ("Code expired — getting a new one…").
    expect(views.some((v) => v.screen === 'pairing' && v.status === 'renewing')).toBe(true);
    await until(() => status() === 'expired', 'gives up after 2 renewals');
    expect(server.count('/device/code')).toBe(3);
    // Nobody is looking: no more codes until someone presses a key.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(server.count('/device/code')).toBe(3);
    controller.restart();
    await until(() => status() === 'waiting', 'a code after the key press');
    expect(server.count('/device/code')).toBe(4);
  });

  it('shows denied, and "Start again" fetches a new code', async () => {
    startController();
    await until(() => status() === 'waiting', 'a code');
    server.denyLatest();
    await until(() => status() === 'denied', 'denied');
    expect(view()).toMatchObject({ screen: 'pairing', code: null });
    controller.dispatch({ type: 'restart' });
    await until(() => status() === 'waiting', 'a new code');
    expect(server.count('/device/code')).toBe(2);
  });

  it('keeps the code on screen while the server is unreachable, then completes the sign-in', async () => {
    startController();
    await until(() => status() === 'waiting', 'a code');
    const code = userCode();
    server.setOffline(true);
    await until(() => status() === 'reconnecting', 'reconnecting');
    expect(userCode()).toBe(code);
    server.setOffline(false);
    server.approveLatest();
    await until(() => view().screen === 'signed-in', 'signed in after reconnecting');
  });

  it('retries discovery while the server is down, showing reconnecting', async () => {
    server.setOffline(true);
    startController();
    await until(() => status() === 'reconnecting', 'reconnecting');
    server.setOffline(false);
    await until(() => status() === 'waiting', 'a code');
  });

  it('refreshes one at a time, and stores the rotated refresh token', async () => {
    startController();
    await signIn();
    const release = server.holdRefreshes();
    const first = controller.refresh();
    const second = controller.refresh();
    await realTick();
    release();
    expect(await first).toBe('refreshed');
    expect(await second).toBe('refreshed');
    expect(server.count('/token', 'refresh_token')).toBe(1);
    const latest = vault.saved.at(-1)?.refreshToken;
    expect(latest && server.refreshTokens.has(latest)).toBe(true);
  });

  it('refreshes in the background before the access token expires', async () => {
    server = await createFakeServer({ interval: 5, accessTokenTtl: 100 });
    startController();
    await signIn();
    const signedInAt = Date.now();
    await until(() => server.count('/token', 'refresh_token') === 1, 'a background refresh');
    expect(Date.now() - signedInAt).toBeLessThan(100_000);
    await until(() => server.count('/token', 'refresh_token') === 2, 'a second one');
    expect(view()).toMatchObject({ screen: 'signed-in', name: 'Ada Lovelace' });
  });

  it('goes back to pairing by itself when a refresh fails with invalid_grant', async () => {
    startController();
    await signIn();
    server.revokeAll(); // the person signed the device out from their phone
    expect(await controller.refresh()).toBe('signed-out');
    await until(() => status() === 'waiting', 'a new code');
    expect(await vault.load()).toBeUndefined();
  });

  it('sign-out revokes the refresh token at the server, clears the vault and shows a new code', async () => {
    startController();
    await signIn();
    const refreshToken = vault.saved.at(-1)?.refreshToken as string;
    controller.dispatch({ type: 'sign-out' });
    expect(view()).toMatchObject({ screen: 'signed-in', signingOut: true });
    await until(() => status() === 'waiting', 'a new code');
    const revoke = server.requests.find((r) => r.path === '/revoke');
    expect(revoke?.params).toMatchObject({ token: refreshToken, token_type_hint: 'refresh_token', client_id: 'tv-kiosk' });
    expect(server.refreshTokens.has(refreshToken)).toBe(false);
    expect(vault.cleared).toBeGreaterThan(0);
    expect(await vault.load()).toBeUndefined();
  });

  it('resumes a stored session by refreshing it at start', async () => {
    startController();
    await signIn();
    controller.stop();
    views = [];
    startController({ vault }); // same vault: a restart of the app
    await until(() => server.count('/token', 'refresh_token') === 1, 'a refresh at start');
    expect(view()).toMatchObject({ screen: 'signed-in', name: 'Ada Lovelace' });
    expect(server.count('/device/code')).toBe(1);
  });

  it('refuses a sign-in whose ID token does not verify', async () => {
    server = await createFakeServer({ interval: 5, forgeIdTokens: true });
    startController();
    await signIn().catch(() => undefined);
    await until(() => status() === 'failed', 'failed');
    expect(view()).toMatchObject({ screen: 'pairing', failure: 'id-token-invalid' });
    expect(vault.saved).toHaveLength(0);
  });

  it('says so when the vault refuses to store the refresh token', async () => {
    const refusing: TokenVault = {
      load: async () => undefined,
      save: async () => ({ stored: false, reason: 'plaintext-refused' }),
      clear: async () => undefined,
    };
    startController({ vault: refusing });
    await signIn();
    expect(view()).toMatchObject({ screen: 'signed-in', notice: 'vault-plaintext-refused' });
  });
});

describe('SessionController: "your devices" (the example protected API)', () => {
  let server: FakeServer;
  let controller: SessionController;
  let views: ViewState[];

  function startController(devicesApi?: string) {
    controller = new SessionController({
      issuer: ISSUER,
      clientId: 'tv-kiosk',
      scope: 'openid profile offline_access',
      deviceName: 'Test TV',
      deviceModel: 'Model T',
      vault: new MemoryVault(),
      fetch: server.fetch,
      ...(devicesApi === undefined ? {} : { devicesApi }),
    });
    controller.subscribe((view) => views.push(view));
    void controller.start();
  }
  const view = () => controller.getState();
  const devices = () => {
    const current = view();
    return current.screen === 'signed-in' ? current.devices : undefined;
  };
  const status = () => {
    const current = view();
    return current.screen === 'pairing' ? current.status : current.screen;
  };
  async function signIn(): Promise<void> {
    await until(() => status() === 'waiting', 'a code');
    server.approveLatest();
    await until(() => view().screen === 'signed-in', 'signed in');
  }
  const ready = () => devices()?.status === 'ready';

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    views = [];
  });
  afterEach(() => {
    controller?.stop();
    vi.useRealTimers();
  });

  it('asks for devices:read when discovery lists it, calls the API with the bearer token only after sign-in, and shows display rows only', async () => {
    server = await createFakeServer({ interval: 5, devicesApi: true });
    startController();
    await until(() => status() === 'waiting', 'a code');
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
    expect(views.some((v) => v.screen === 'signed-in' && v.devices?.status === 'loading')).toBe(true);

    // Refreshed tokens: a fresh list, with the new token.
    expect(await controller.refresh()).toBe('refreshed');
    await until(() => server.devicesCalls.length === 2, 'the list again after a refresh');
    expect(server.devicesCalls[1]).not.toBe(server.devicesCalls[0]);

    await controller.signOut();
    await until(() => status() === 'waiting', 'a new code');
    const published = JSON.stringify(views);
    for (const secret of server.issued) expect(published).not.toContain(secret);
    expect(published).not.toContain('g-this'); // nor the grant ids the API returned
  });

  it('neither asks for devices:read nor calls anything when discovery does not list it (a foreign server)', async () => {
    server = await createFakeServer({ interval: 5 });
    startController();
    await signIn();
    await controller.refresh();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.requests.find((r) => r.path === '/device/code')?.params.scope).toBe('openid profile offline_access');
    expect(server.count('/api/devices')).toBe(0);
    expect(devices()).toBeNull();
  });

  it('a configured URL is asked for and called anyway; "off" never is', async () => {
    server = await createFakeServer({ interval: 5 });
    startController(`${ISSUER}/api/devices`);
    await signIn();
    // The server granted only the scope it knows of (the fake grants the usual three): nothing to call with.
    expect(server.requests.find((r) => r.path === '/device/code')?.params.scope).toBe('openid profile offline_access devices:read');
    expect(server.count('/api/devices')).toBe(0);
    controller.stop();

    server = await createFakeServer({ interval: 5, devicesApi: true });
    views = [];
    startController('off');
    await signIn();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.requests.find((r) => r.path === '/device/code')?.params.scope).toBe('openid profile offline_access');
    expect(server.count('/api/devices')).toBe(0);
    expect(devices()).toBeNull();
  });

  it('a 401 invalid_token refreshes once and reloads the list; invalid_grant at that refresh goes back to pairing', async () => {
    server = await createFakeServer({ interval: 5, devicesApi: true });
    startController();
    await signIn();
    await until(ready, 'the device list');

    server.expireAccessTokens();
    expect(await controller.refresh()).toBe('refreshed'); // reloads with the new token: fine
    await until(() => server.devicesCalls.length === 2, 'reloaded');
    server.expireAccessTokens();
    const refreshes = server.count('/token', 'refresh_token');
    // A reload with a token the API no longer takes (its sign-in is being signed out elsewhere).
    server.revokeAll();
    expect(await controller.refresh()).toBe('signed-out');
    await until(() => status() === 'waiting', 'pairing again');
    expect(server.count('/token', 'refresh_token')).toBe(refreshes + 1);
  });

  it('a 401 from the list call itself: one refresh, then the list; a 401 that persists: one refresh and a note', async () => {
    server = await createFakeServer({ interval: 5, devicesApi: true });
    startController();
    await signIn();
    await until(ready, 'the device list');
    const refreshes = server.count('/token', 'refresh_token');

    // The token stopped working at the API: the next list call (after any refresh) gets 401 once.
    server.failDevicesApi(401);
    const before = server.devicesCalls.length;
    expect(await controller.refresh()).toBe('refreshed');
    await until(() => server.count('/token', 'refresh_token') === refreshes + 2, 'a refresh caused by the 401');
    await until(() => devices()?.status === 'unavailable', 'a note');
    // Exactly one extra refresh, no loop.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.count('/token', 'refresh_token')).toBe(refreshes + 2);
    expect(server.devicesCalls.length).toBe(before + 2);
    expect(view()).toMatchObject({ screen: 'signed-in', name: 'Ada Lovelace' });

    // The API is back: the next refresh brings the list back.
    server.failDevicesApi(undefined);
    expect(await controller.refresh()).toBe('refreshed');
    await until(ready, 'the list again');
  });

  it('a 401 on the list, then invalid_grant at the refresh: back to pairing', async () => {
    server = await createFakeServer({ interval: 5, devicesApi: true, accessTokenTtl: 3600 });
    startController();
    // Signed out from the phone between the token and the list call.
    server.onDevicesCall = () => server.revokeAll();
    await until(() => status() === 'waiting', 'a code');
    server.approveLatest();
    await until(() => views.some((v) => v.screen === 'signed-in'), 'signed in');
    await until(() => status() === 'waiting', 'pairing again', 60_000);
    expect(server.count('/api/devices')).toBe(1);
    expect(server.count('/token', 'refresh_token')).toBe(1);
  });

  it('a network failure or a 5xx leaves the signed-in screen as it was, with a small note', async () => {
    server = await createFakeServer({ interval: 5, devicesApi: true });
    server.failDevicesApi('offline');
    startController();
    await signIn();
    await until(() => devices()?.status === 'unavailable', 'a note');
    expect(view()).toMatchObject({ screen: 'signed-in', name: 'Ada Lovelace', signingOut: false });
    server.failDevicesApi(undefined);
    await controller.refresh();
    await until(ready, 'the list after a refresh');
    // A later 503 keeps the list already shown.
    server.failDevicesApi(503);
    await controller.refresh();
    await until(() => server.devicesCalls.length === 3, 'the third call');
    await vi.advanceTimersByTimeAsync(100);
    expect(devices()?.status).toBe('ready');
    // 403 (no scope granted) or 404 (no such API): nothing on screen.
    server.failDevicesApi(403);
    await controller.refresh();
    await until(() => devices() === null, 'no list');
  });
});

describe('SessionController sign-out while the server is unreachable', () => {
  afterEach(() => vi.useRealTimers());

  it('forgets the session anyway and says the server could not be told', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const server = await createFakeServer({ interval: 5 });
    const vault = new MemoryVault();
    await vault.save({ refreshToken: 'rt-stored', name: 'Ada', sub: 'user-1' });
    server.setOffline(true);
    const controller = new SessionController({ issuer: ISSUER, clientId: 'tv-kiosk', scope: 'openid', deviceName: 'TV', deviceModel: 'M', vault, fetch: server.fetch });
    await controller.start();
    expect(controller.getState()).toMatchObject({ screen: 'signed-in', name: 'Ada' }); // resumed offline
    await controller.signOut();
    expect(controller.getState()).toMatchObject({ screen: 'pairing', notice: 'sign-out-offline' });
    expect(await vault.load()).toBeUndefined();
    controller.stop();
  });
});

describe('SessionController with a push channel', () => {
  afterEach(() => vi.useRealTimers());

  it('subscribes with the device code in the first message, shows "opened", and polls at once on "approved"', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const server = await createFakeServer({ interval: 5, push: true });
    const sockets: { url: string; sent: string[]; closed: boolean; socket: WebSocketLike }[] = [];
    const webSocket = (url: string): WebSocketLike => {
      const record = { url, sent: [] as string[], closed: false, socket: undefined as unknown as WebSocketLike };
      record.socket = {
        send: (data) => record.sent.push(data),
        close: () => {
          record.closed = true;
        },
        onopen: null,
        onmessage: null,
        onerror: null,
        onclose: null,
      };
      sockets.push(record);
      return record.socket;
    };
    const controller = new SessionController({ issuer: ISSUER, clientId: 'tv-kiosk', scope: 'openid', deviceName: 'TV', deviceModel: 'M', vault: new MemoryVault(), fetch: server.fetch, webSocket });
    void controller.start();
    await until(() => sockets.length === 1, 'a push connection');
    const push = sockets[0] as (typeof sockets)[number];
    expect(push.url).toBe('wss://as.example/oauth/device/events'); // no device code in the URL
    push.socket.onopen?.();
    expect(JSON.parse(push.sent[0] as string)).toEqual({ type: 'subscribe', device_code: expect.stringMatching(/^dc-/) });

    push.socket.onmessage?.({ data: '{"type":"status","status":"opened"}' });
    expect(controller.getState()).toMatchObject({ screen: 'pairing', status: 'opened' });

    server.approveLatest();
    const polls = server.count('/token');
    push.socket.onmessage?.({ data: '{"type":"status","status":"approved"}' });
    // Well inside the 5 s interval: the hint made it poll now. (Signing in then takes real
    // time for the ID token's crypto, so that wait is not bounded in fake time.)
    await until(() => server.count('/token') > polls, 'a poll at once', 1_000, 50);
    await until(() => controller.getState().screen === 'signed-in', 'signed in');
    expect(server.count('/token')).toBe(polls + 1);
    expect(push.closed).toBe(true);
    controller.stop();
  });
});

describe('SessionController in desktop mode (host-agnostic: a fake browser and loopback)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
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
    const controller = new SessionController({
      issuer: ISSUER,
      clientId: 'desktop-app',
      scope: 'openid profile offline_access',
      deviceName: 'Laptop',
      deviceModel: 'M',
      vault,
      fetch: server.fetch,
      mode: 'desktop',
      browser,
    });
    const state = () => controller.getState();
    await controller.start();
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
