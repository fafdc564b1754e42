import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestCore } from '../test-support';
import { createDeviceChannel, DEVICE_EVENTS_PATH, type DeviceChannel } from './device-channel';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The channel on a real HTTP server and real WebSocket clients; the core in-process on SQLite. */
describe('device push channel over real WebSocket', () => {
  let t: Awaited<ReturnType<typeof createTestCore>>;
  let server: http.Server;
  let channel: DeviceChannel;
  let url: string;
  /** The core's clock follows the wall clock (the channel's timers are real), plus this offset. */
  let offsetMs = 0;

  beforeEach(async () => {
    t = await createTestCore();
    offsetMs = 0;
    Object.defineProperty(t.clock, 'now', { get: () => Date.now() + offsetMs });
    channel = createDeviceChannel(t.core.context, { subscribeTimeoutMs: 300, heartbeatMs: 10_000, maxConnectionsPerAddress: 3 });
    server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => {
      if (req.url === DEVICE_EVENTS_PATH) channel.handleUpgrade(req, socket, head, req.socket.remoteAddress ?? '');
      else socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${DEVICE_EVENTS_PATH}`;
  });
  afterEach(async () => {
    channel.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await t.close();
  });

  async function deviceCode(extra: Record<string, string> = {}) {
    return (await t.post('/oauth/device/code', { client_id: 'tv', ...extra })).body as { device_code: string; user_code: string };
  }

  /** Connects, optionally subscribes, and records every message and the close code. */
  function connect(first?: string | Buffer) {
    const ws = new WebSocket(url);
    const messages: unknown[] = [];
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    const opened = new Promise<void>((resolve, reject) => {
      ws.on('open', () => {
        if (first !== undefined) ws.send(first);
        resolve();
      });
      ws.on('error', reject);
    });
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    const next = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (messages.length >= count ? resolve() : setTimeout(check, 5));
        check();
      });
    return { ws, messages, closed, opened, next };
  }
  const subscribe = (deviceCode: string) => JSON.stringify({ type: 'subscribe', device_code: deviceCode });

  it('tells the device opened, then approved; the token endpoint then answers at once', async () => {
    const code = await deviceCode();
    const device = connect(subscribe(code.device_code));
    await device.opened;
    await new Promise((r) => setTimeout(r, 50)); // let the subscription land
    const lookup = await t.core.lookupUserCode(code.user_code);
    if (!lookup.ok) throw new Error('code not found');
    t.core.context.events.publish(lookup.record.deviceCodeHash, 'opened');
    await device.next(1);
    expect(device.messages).toEqual([{ type: 'status', status: 'opened' }]);

    // The device was polling normally…
    expect((await t.post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: code.device_code, client_id: 'tv' })).body.error).toBe('authorization_pending');
    await t.core.approve(code.user_code, t.user.id);
    await device.next(2);
    expect(device.messages[1]).toEqual({ type: 'status', status: 'approved' });
    // …and on `approved` it polls at once: no slow_down, one issuance even with polls racing.
    const polls = await Promise.all(
      Array.from({ length: 5 }, () => t.post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: code.device_code, client_id: 'tv' })),
    );
    expect(polls.filter((p) => p.status === 200)).toHaveLength(1);
    expect(polls.filter((p) => p.body.error === 'slow_down')).toHaveLength(0);
    device.ws.close();
  });

  it('tells the device denied', async () => {
    const code = await deviceCode();
    const device = connect(subscribe(code.device_code));
    await device.opened;
    await new Promise((r) => setTimeout(r, 50));
    await t.core.deny(code.user_code);
    await device.next(1);
    expect(device.messages).toEqual([{ type: 'status', status: 'denied' }]);
    device.ws.close();
  });

  it('tells a device that connects after the decision at once', async () => {
    const code = await deviceCode();
    await t.core.approve(code.user_code, t.user.id);
    const device = connect(subscribe(code.device_code));
    await device.next(1);
    expect(device.messages).toEqual([{ type: 'status', status: 'approved' }]);
    device.ws.close();
  });

  it('tells the device expired when its code runs out, and closes', async () => {
    const code = await deviceCode();
    offsetMs = 600_000 - 300; // the code has 300 ms left
    const device = connect(subscribe(code.device_code));
    expect(await device.closed).toBe(1001);
    expect(device.messages).toEqual([{ type: 'status', status: 'expired' }]);
  });

  it('never subscribes a forged or unknown device code, and says nothing', async () => {
    const device = connect(subscribe('forged-device-code'));
    expect(await device.closed).toBe(1008);
    expect(device.messages).toEqual([]);
  });

  it('closes a connection that sends nothing, or garbage, or binary, with a policy violation', async () => {
    expect(await connect().closed).toBe(1008);
    expect(await connect('hello').closed).toBe(1008);
    expect(await connect(Buffer.from(subscribe('x'))).closed).toBe(1008);
    // Over the size limit: ws closes with 1009 (message too big) before we parse it.
    expect(await connect(subscribe('x'.repeat(5_000))).closed).toBe(1009);
  });

  it('number matching: after `opened` the device is told the number; a device that connects later hears both at once', async () => {
    await t.store.upsertClient({ ...(await t.store.findClient('tv'))!, proximity: 'step-up' });
    const code = await deviceCode();
    const device = connect(subscribe(code.device_code));
    await device.opened;
    await new Promise((r) => setTimeout(r, 50)); // let the subscription land
    const opened = await t.core.openConfirmation(code.user_code, '198.51.100.9');
    if (!opened.ok) throw new Error(opened.reason);
    const number = opened.confirmation.record.numberMatch!.number;
    await device.next(2);
    expect(device.messages).toEqual([{ type: 'status', status: 'opened' }, { type: 'match', number }]);

    const late = connect(subscribe(code.device_code));
    await late.next(2);
    expect(late.messages).toEqual([{ type: 'status', status: 'opened' }, { type: 'match', number }]);
    device.ws.close();
    late.ws.close();
  });

  /** A signed-in device: tokens from an approved code, and the grant they belong to. */
  async function signedIn() {
    const code = await deviceCode();
    const approved = await t.core.approve(code.user_code, t.user.id, { address: '203.0.113.9' });
    if (!approved.ok) throw new Error(approved.reason);
    const tokens = (await t.post('/oauth/token', { grant_type: DEVICE_GRANT, device_code: code.device_code, client_id: 'tv' })).body as { access_token: string; refresh_token: string };
    return { ...tokens, grantId: approved.record.approval!.grantId };
  }
  const watch = (accessToken: string) => JSON.stringify({ type: 'watch', access_token: accessToken });

  it('a signed-in device that watches its sign-in is told `session ended` the moment it is signed out, then closed normally', async () => {
    const device = await signedIn();
    expect(device.access_token.length).toBeGreaterThan(512);
    const screen = connect(watch(device.access_token));
    await screen.next(1);
    expect(screen.messages).toEqual([{ type: 'session', status: 'active' }]);
    expect(await t.core.endSignIn(device.grantId)).toBe(true);
    expect(await screen.closed).toBe(1000);
    expect(screen.messages).toEqual([{ type: 'session', status: 'active' }, { type: 'session', status: 'ended' }]);
  });

  it('the watch outlives the access token it was opened with: it lasts as long as the sign-in', async () => {
    const device = await signedIn();
    const screen = connect(watch(device.access_token));
    await screen.next(1);
    offsetMs = 3_600_000; // the access token (10 minutes) is long expired
    await t.core.endSignIn(device.grantId);
    expect(await screen.closed).toBe(1000);
    expect(screen.messages).toEqual([{ type: 'session', status: 'active' }, { type: 'session', status: 'ended' }]);
  });

  it('refuses an expired, forged or ended sign-in’s token, or a refresh token, with a policy violation and no word', async () => {
    const device = await signedIn();
    const [header, payload] = device.access_token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    for (const token of [forged, device.refresh_token, 'not-a-token']) {
      const screen = connect(watch(token));
      expect(await screen.closed).toBe(1008);
      expect(screen.messages).toEqual([]);
    }
    await t.core.endSignIn(device.grantId);
    const ended = connect(watch(device.access_token));
    expect(await ended.closed).toBe(1008);

    const live = await signedIn();
    offsetMs = 601_000;
    const expired = connect(watch(live.access_token));
    expect(await expired.closed).toBe(1008);
    expect(expired.messages).toEqual([]);
  });

  it('limits open connections per client address', async () => {
    const code = await deviceCode();
    const open = [connect(subscribe(code.device_code)), connect(subscribe(code.device_code)), connect(subscribe(code.device_code))];
    await Promise.all(open.map((c) => c.opened));
    const fourth = connect(subscribe(code.device_code));
    expect(await fourth.closed).toBe(1013);
    for (const c of open) c.ws.close();
  });
});
