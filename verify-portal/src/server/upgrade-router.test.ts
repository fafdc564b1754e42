import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDeviceChannel, DEVICE_EVENTS_PATH, type DeviceChannel } from '../oauth/push/device-channel';
import { createTestCore } from '../oauth/test-support';
import { createUpgradeRouter } from './upgrade-router';

/**
 * Hostile upgrades against the real device channel on a real server: nothing may throw past
 * its handler (issue 10: a bad frame on a WebSocket refused by the per-address cap was an
 * uncaught exception), and the server keeps serving.
 */
describe('upgrade routing: no socket path throws', () => {
  let t: Awaited<ReturnType<typeof createTestCore>>;
  let server: http.Server;
  let channel: DeviceChannel;
  let port: number;
  const uncaught: unknown[] = [];
  const record = (err: unknown) => uncaught.push(err);
  const clients: (net.Socket | WebSocket)[] = [];

  beforeAll(async () => {
    t = await createTestCore();
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    uncaught.length = 0;
    process.on('uncaughtException', record);
    channel = createDeviceChannel(t.core.context, { subscribeTimeoutMs: 5_000, heartbeatMs: 10_000, maxConnectionsPerAddress: 1 });
    server = http.createServer((_req, res) => res.end('still serving'));
    server.on('upgrade', createUpgradeRouter({ deviceChannel: channel, trustProxy: false, dev: false, draining: () => false }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) {
      if (client instanceof WebSocket) client.terminate();
      else client.destroy();
    }
    channel.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    process.off('uncaughtException', record);
  });

  /** A raw socket that sends `request` and collects what comes back until it closes. */
  function raw(request: string | Buffer) {
    const socket = net.connect({ host: '127.0.0.1', port });
    clients.push(socket);
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.on('error', () => {});
    socket.write(request);
    const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received.toString('latin1'))));
    const answered = (prefix: string) => expect.poll(() => received.toString('latin1').startsWith(prefix)).toBe(true);
    return { socket, closed, answered };
  }

  const handshake = (path: string, key = 'dGhlIHNhbXBsZSBub25jZQ==') =>
    `GET ${path} HTTP/1.1\r\nHost: portal.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n${key ? `Sec-WebSocket-Key: ${key}\r\n` : ''}\r\n`;
  /** A frame no peer may send: all three reserved bits set, a reserved opcode, a client frame without a mask. */
  const malformedFrame = Buffer.from([0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

  async function stillServes() {
    const text = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    expect(text).toBe('still serving');
    expect(uncaught).toEqual([]);
  }

  it('a bad frame on a WebSocket refused by the per-address cap is not an uncaught exception', async () => {
    const first = new WebSocket(`ws://127.0.0.1:${port}${DEVICE_EVENTS_PATH}`);
    clients.push(first);
    await new Promise((resolve) => first.once('open', resolve));

    // The second from this address is over the cap (1): accepted, then closed with 1013…
    const refused = raw(handshake(DEVICE_EVENTS_PATH));
    await refused.answered('HTTP/1.1 101 ');
    // …and sends garbage while the server is closing it.
    refused.socket.write(malformedFrame);
    await refused.closed;
    // Let any 'error' event the frame caused be emitted.
    await new Promise((resolve) => setImmediate(resolve));
    await stillServes();
    expect(channel.connectionCount()).toBe(1);
  });

  it('a bad frame on an accepted WebSocket closes it, nothing thrown', async () => {
    const accepted = raw(handshake(DEVICE_EVENTS_PATH));
    await accepted.answered('HTTP/1.1 101 ');
    accepted.socket.write(malformedFrame);
    await accepted.closed;
    await stillServes();
    await expect.poll(() => channel.connectionCount()).toBe(0);
  });

  it.each([
    ['no Sec-WebSocket-Key', handshake(DEVICE_EVENTS_PATH, ''), /^HTTP\/1\.1 400 /],
    ['an unknown path', handshake('/somewhere/else'), /^HTTP\/1\.1 404 /],
    ['the asterisk target', handshake('*'), /^HTTP\/1\.1 404 /],
    ['garbage after the handshake in the same packet', Buffer.concat([Buffer.from(handshake(DEVICE_EVENTS_PATH)), malformedFrame]), /^HTTP\/1\.1 101 /],
  ])('%s: answered and closed, nothing thrown', async (_name, request, answer) => {
    const client = raw(request);
    expect(await client.closed).toMatch(answer);
    await stillServes();
  });

  it('a peer that resets its socket mid-upgrade: nothing thrown', async () => {
    const client = raw(handshake(DEVICE_EVENTS_PATH).slice(0, -2));
    client.socket.resetAndDestroy();
    await client.closed;
    await stillServes();
  });
});
