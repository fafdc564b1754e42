/**
 * The signed-in screen watches its sign-in over the push channel (`sign-in-watch.ts`): a sign-in
 * ended on the server reaches the screen at once, refused tokens are refreshed, and a channel
 * that drops comes back with back-off. The server is played from the test (fake sockets).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeServer, type FakeServer } from '../../test/support/fake-authorization-server';
import { SpyVault, startController, until, useFakeClock, type Kiosk } from '../../test/support/controller-harness';
import { fakeWebSockets, type FakeSocket } from '../../test/support/fake-web-socket';
import type { WebSocketFactory } from './push-hint';

describe('watching the sign-in', () => {
  let server: FakeServer;
  let kiosk: Kiosk;
  let vault: SpyVault;
  let factory: WebSocketFactory;
  let sockets: FakeSocket[];

  beforeEach(async () => {
    useFakeClock();
    server = await createFakeServer({ interval: 5, push: true });
    vault = new SpyVault();
    ({ factory, sockets } = fakeWebSockets());
  });

  afterEach(() => {
    kiosk?.controller.stop();
    vi.useRealTimers();
  });

  /** How many sockets pairing opened (its subscribe) before the sign-in. */
  let pairingSockets = 0;
  /** The sockets opened for watching. */
  const watches = () => sockets.slice(pairingSockets);
  /** What each socket since the sign-in was opened for (opening those not yet open): `watch`, or pairing's `subscribe`. */
  const purposes = () =>
    watches().map((socket) => {
      if (socket.sent.length === 0) socket.open();
      return (socket.first() as { type: string }).type;
    });
  const latestAccessToken = () => server.issued.filter((t) => t.startsWith('at-')).at(-1);

  /** Signs in, and accepts the watch the kiosk opens (`active`). */
  async function signedInAndWatched(): Promise<FakeSocket> {
    kiosk = startController(server, { vault, webSocket: factory });
    await kiosk.signIn();
    pairingSockets = 1;
    await until(() => sockets.length === 2, 'the watch connection');
    const watch = sockets[1]!;
    watch.open();
    watch.receive({ type: 'session', status: 'active' });
    return watch;
  }

  it('sends the access token in its first message (never in the URL), and "session ended" shows a new code at once', async () => {
    const watch = await signedInAndWatched();
    expect(watch.url).toBe('wss://as.example/oauth/device/events');
    expect(watch.first()).toEqual({ type: 'watch', access_token: latestAccessToken() });
    const codes = server.count('/device/code');
    watch.receive({ type: 'session', status: 'ended' });
    await until(() => kiosk.status() === 'waiting' && server.count('/device/code') === codes + 1, 'a new code');
    expect(await vault.load()).toBeUndefined();
    // The server ended the sign-in itself: nothing to revoke.
    expect(server.count('/revoke')).toBe(0);
    expect(watch.closed).toBe(true);
  });

  it('keeps one watch through refreshes: the server keeps it for the life of the sign-in', async () => {
    server = await createFakeServer({ interval: 5, push: true, accessTokenTtl: 100 });
    await signedInAndWatched();
    await until(() => server.count('/token', 'refresh_token') === 2, 'two background refreshes');
    expect(watches()).toHaveLength(1);
  });

  it('a refused token (1008) is refreshed and the watch opened again with the new one', async () => {
    const watch = await signedInAndWatched();
    const before = latestAccessToken();
    watch.serverClose(1008);
    await until(() => watches().length === 2, 'a second watch');
    expect(server.count('/token', 'refresh_token')).toBe(1);
    const again = watches()[1]!;
    again.open();
    expect(again.first()).toEqual({ type: 'watch', access_token: latestAccessToken() });
    expect(latestAccessToken()).not.toBe(before);
  });

  it('a refused token whose refresh gets invalid_grant ends the sign-in: a new code', async () => {
    const watch = await signedInAndWatched();
    server.revokeAll();
    watch.serverClose(1008);
    await until(() => kiosk.status() === 'waiting', 'a new code');
    // No second watch: the next socket is the new code's.
    expect(purposes()).toEqual(['watch', 'subscribe']);
  });

  it('refusals in a row back off instead of refreshing in a loop', async () => {
    const watch = await signedInAndWatched();
    watch.serverClose(1008);
    await until(() => watches().length === 2, 'a second watch');
    watches()[1]!.serverClose(1008);
    await until(() => watches().length === 3, 'a third watch', 5_000, 100);
    // The second refusal waited (0.5–1 s of back-off), and each refusal cost one refresh.
    expect(server.count('/token', 'refresh_token')).toBe(2);
    watches()[2]!.serverClose(1008);
    const third = Date.now();
    await until(() => watches().length === 4, 'a fourth watch', 5_000, 100);
    expect(Date.now() - third).toBeGreaterThanOrEqual(1_000);
  });

  it('a drop (1006, 1001, 1013) reconnects after a back-off that grows, and a watch in place starts it over', async () => {
    const watch = await signedInAndWatched();
    const waits: number[] = [];
    let last = Date.now();
    watch.serverClose(1006);
    for (const code of [1013, 1001, 1006]) {
      const n = watches().length;
      await until(() => watches().length === n + 1, 'a reconnect', 5 * 60_000, 100);
      waits.push(Date.now() - last);
      last = Date.now();
      watches().at(-1)!.serverClose(code);
    }
    // 1 s, 2 s, 4 s, each with up to half taken off (jitter).
    expect(waits[0]).toBeLessThanOrEqual(1_100);
    expect(waits[1]).toBeGreaterThanOrEqual(1_000);
    expect(waits[2]).toBeGreaterThanOrEqual(2_000);
    const n = watches().length;
    await until(() => watches().length === n + 1, 'a reconnect', 5 * 60_000, 100);
    const settled = watches().at(-1)!;
    settled.open();
    settled.receive({ type: 'session', status: 'active' });
    // The token stays the same: no refresh for a drop.
    expect(settled.first()).toEqual({ type: 'watch', access_token: latestAccessToken() });
    expect(server.count('/token', 'refresh_token')).toBe(0);
    last = Date.now();
    settled.serverClose(1001);
    await until(() => watches().length === n + 2, 'a reconnect', 5 * 60_000, 100);
    expect(Date.now() - last).toBeLessThanOrEqual(1_100);
  });

  it('a resumed session is watched once its first refresh has brought an access token', async () => {
    await vault.save({ refreshToken: 'rt-unknown', name: 'Ada', sub: 'user-1' });
    server.refreshTokens.add('rt-unknown');
    pairingSockets = 0;
    kiosk = startController(server, { vault, webSocket: factory });
    await until(() => sockets.length === 1, 'a watch');
    const watch = sockets[0]!;
    watch.open();
    expect(watch.first()).toEqual({ type: 'watch', access_token: latestAccessToken() });
    expect(server.count('/token', 'refresh_token')).toBe(1);
  });

  it('nothing is opened where the server offers no channel, and signing out closes the watch', async () => {
    server = await createFakeServer({ interval: 5 });
    pairingSockets = 0;
    kiosk = startController(server, { vault, webSocket: factory });
    await kiosk.signIn();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(0);
    kiosk.controller.stop();

    server = await createFakeServer({ interval: 5, push: true });
    const watch = await signedInAndWatched();
    await kiosk.controller.signOut();
    expect(watch.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(purposes()).toEqual(['watch', 'subscribe']);
  });
});
