import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ISSUER, createFakeServer, type FakeServer } from '../../test/support/fake-authorization-server';
import { SpyVault, startController, until, useFakeClock, type Kiosk } from '../../test/support/controller-harness';
import { formatUserCode, processDeviceAuthorizationResponse } from '@pairgate/shared';
import { fakeWebSockets } from '../../test/support/fake-web-socket';
import type { WebSocketLike } from './push-hint';

describe('pairing', () => {
  let server: FakeServer;
  let kiosk: Kiosk;
  let vault: SpyVault;

  beforeEach(async () => {
    useFakeClock();
    server = await createFakeServer({ interval: 5 });
    vault = new SpyVault();
  });

  afterEach(() => {
    kiosk?.controller.stop();
    vi.useRealTimers();
  });

  it('shows a grouped, spelled-out code with the QR target, then the name from the verified ID token', async () => {
    kiosk = startController(server, { vault });
    await until(() => kiosk.status() === 'waiting', 'a code');
    const current = kiosk.view();
    if (current.screen !== 'pairing' || !current.code) throw new Error('no code shown');
    expect(current.code.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(current.code.spokenCode).toMatch(/^([A-Z] ){3}[A-Z], ([A-Z] ){3}[A-Z]$/);
    expect(current.code.qrUri).toBe(`${ISSUER}/activate?user_code=${current.code.userCode.replace('-', '')}`);
    expect(current.code.expiresAt).toBe(Date.now() + 600_000);
    // Pairgate's device_name / device_model reach the server (RFC 8628 §5.4: the person checks the device).
    expect(server.requests.find((r) => r.path === '/device/code')?.params).toMatchObject({ device_name: 'Test TV', device_model: 'Model T', scope: 'openid profile offline_access' });

    server.approveLatest();
    await until(() => kiosk.view().screen === 'signed-in', 'signed in');
    expect(kiosk.view()).toEqual({ screen: 'signed-in', name: 'Ada Lovelace', signingOut: false, notice: null, devices: null });
    // The name came from the ID token: no userinfo call was needed.
    expect(server.count('/userinfo')).toBe(0);
    expect(vault.saved).toHaveLength(1);
  });

  it('gets a new code when one expires, a bounded number of times, then waits for a key press', async () => {
    server = await createFakeServer({ interval: 5, expiresIn: 30 });
    kiosk = startController(server, { maxRenewals: 2 });
    await until(() => kiosk.status() === 'waiting', 'a code');
    const first = kiosk.userCode();
    await until(() => kiosk.status() === 'waiting' && kiosk.userCode() !== first, 'the second code');
    // In between, the screen said so ("Code expired — getting a new one…").
    expect(kiosk.views.some((v) => v.screen === 'pairing' && v.status === 'renewing')).toBe(true);
    await until(() => kiosk.status() === 'expired', 'gives up after 2 renewals');
    expect(server.count('/device/code')).toBe(3);
    // Nobody is looking: no more codes until someone presses a key.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(server.count('/device/code')).toBe(3);
    kiosk.controller.restart();
    await until(() => kiosk.status() === 'waiting', 'a code after the key press');
    expect(server.count('/device/code')).toBe(4);
  });

  it('shows denied, and "Start again" fetches a new code', async () => {
    kiosk = startController(server);
    await until(() => kiosk.status() === 'waiting', 'a code');
    server.denyLatest();
    await until(() => kiosk.status() === 'denied', 'denied');
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', code: null });
    kiosk.controller.dispatch({ type: 'restart' });
    await until(() => kiosk.status() === 'waiting', 'a new code');
    expect(server.count('/device/code')).toBe(2);
  });

  it('sends the device id with every code it asks for, so a new pairing replaces the old sign-in', async () => {
    const deviceId = 'k3Yd1c9Qh0m2VZp7RkX4aLw8sNf6tGjB5uEoIyHqWcD';
    kiosk = startController(server, { deviceId });
    await until(() => kiosk.status() === 'waiting', 'a code');
    server.denyLatest();
    await until(() => kiosk.status() === 'denied', 'denied');
    kiosk.controller.restart();
    await until(() => server.count('/device/code') === 2, 'a second code');
    const sent = server.requests.filter((r) => r.path === '/device/code').map((r) => r.params.device_id);
    expect(sent).toEqual([deviceId, deviceId]);
    // Never shown, and never with a poll.
    expect(JSON.stringify(kiosk.views)).not.toContain(deviceId);
    expect(server.requests.filter((r) => r.path === '/token').every((r) => r.params.device_id === undefined)).toBe(true);
  });

  it('shows the number to pick beside the code when a poll brings pairgate_match (no push)', async () => {
    kiosk = startController(server);
    await until(() => kiosk.status() === 'waiting', 'a code');
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', match: null });
    server.matchLatest('42');
    await until(() => kiosk.view().screen === 'pairing' && (kiosk.view() as { match: string | null }).match === '42', 'the number');
    // The phone has the confirm screen open (that is when the number is drawn).
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', status: 'opened', match: '42', code: { userCode: expect.any(String) } });
    // A wrong pick denies: the number goes with the code.
    server.denyLatest();
    await until(() => kiosk.status() === 'denied', 'denied');
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', code: null, match: null });
  });

  it('keeps the code on screen while the server is unreachable, then completes the sign-in', async () => {
    kiosk = startController(server);
    await until(() => kiosk.status() === 'waiting', 'a code');
    const code = kiosk.userCode();
    server.setOffline(true);
    await until(() => kiosk.status() === 'reconnecting', 'reconnecting');
    expect(kiosk.userCode()).toBe(code);
    server.setOffline(false);
    server.approveLatest();
    await until(() => kiosk.view().screen === 'signed-in', 'signed in after reconnecting');
  });

  it('retries discovery while the server is down, showing reconnecting', async () => {
    server.setOffline(true);
    kiosk = startController(server);
    await until(() => kiosk.status() === 'reconnecting', 'reconnecting');
    server.setOffline(false);
    await until(() => kiosk.status() === 'waiting', 'a code');
  });

  it('refuses a sign-in whose ID token does not verify, and "Start again" gets a new code', async () => {
    server = await createFakeServer({ interval: 5, forgeIdTokens: true });
    kiosk = startController(server, { vault });
    await kiosk.signIn().catch(() => undefined);
    await until(() => kiosk.status() === 'failed', 'failed');
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', failure: 'id-token-invalid' });
    expect(vault.saved).toHaveLength(0);
    kiosk.controller.restart();
    await until(() => kiosk.status() === 'waiting', 'a new code');
    expect(server.count('/device/code')).toBe(2);
  });
});

describe('pairing: faster to the first code', () => {
  afterEach(() => vi.useRealTimers());

  it('shows a code the web host put in the page from the very first view, and polls with it without asking for another', async () => {
    useFakeClock();
    const server = await createFakeServer({ interval: 5 });
    // What the web host did before sending the page.
    const authorization = await processDeviceAuthorizationResponse(await server.fetch(`${ISSUER}/device/code`, { method: 'POST', body: new URLSearchParams({ client_id: 'tv-kiosk' }) }));
    const kiosk = startController(server, { firstCode: { authorization, requestedAt: Date.now() } });
    // Synchronously, before the vault or the server were asked anything.
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', status: 'waiting', code: { userCode: formatUserCode(authorization.user_code), expiresAt: Date.now() + 600_000 } });
    await until(() => server.count('/token') === 1, 'the first poll');
    expect(server.count('/device/code')).toBe(1);
    expect(kiosk.views.every((v) => v.screen === 'pairing' && v.code?.userCode === formatUserCode(authorization.user_code))).toBe(true);
    server.approveLatest();
    await until(() => kiosk.view().screen === 'signed-in', 'signed in');
    kiosk.controller.stop();
  });

  it('fetches the signing keys while the code is on screen, so approval waits for nothing but the token', async () => {
    useFakeClock();
    const server = await createFakeServer({ interval: 5 });
    const kiosk = startController(server);
    await until(() => kiosk.status() === 'waiting', 'a code');
    await until(() => server.count('/jwks') === 1, 'the keys, before anyone approved');
    server.approveLatest();
    await until(() => kiosk.view().screen === 'signed-in', 'signed in');
    expect(server.count('/jwks')).toBe(1);
    // Without openid there is no ID token to verify: no keys.
    kiosk.controller.stop();
    const plain = startController(server, { scope: 'offline_access' });
    await until(() => plain.status() === 'waiting', 'a code');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.count('/jwks')).toBe(1);
    plain.controller.stop();
  });
});

describe('pairing with a push channel', () => {
  afterEach(() => vi.useRealTimers());

  it('shows the pushed number beside the code after "opened", and a new code comes without it', async () => {
    useFakeClock();
    const server = await createFakeServer({ interval: 5, expiresIn: 60, push: true });
    const { factory, sockets } = fakeWebSockets();
    const kiosk = startController(server, { webSocket: factory, maxRenewals: 1 });
    await until(() => sockets.length === 1, 'a push connection');
    const push = sockets[0]!;
    push.open();
    push.receive({ type: 'status', status: 'opened' });
    push.receive({ type: 'match', number: '73' });
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', status: 'opened', match: '73' });
    // Malformed numbers and unknown messages are ignored.
    push.receive({ type: 'match', number: '7' });
    push.receive({ type: 'match', number: '73', extra: true });
    push.receive({ type: 'session', status: 'ended' });
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', status: 'opened', match: '73' });
    const first = kiosk.userCode();
    await until(() => kiosk.status() === 'waiting' && kiosk.userCode() !== first, 'the next code');
    expect(kiosk.view()).toMatchObject({ match: null });
    kiosk.controller.stop();
  });

  it('subscribes with the device code in the first message, shows "opened", and polls at once on "approved"', async () => {
    useFakeClock();
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
    const { controller } = startController(server, { scope: 'openid', webSocket });
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
