import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serverDefaults, type ServerSettings } from './defaults';
import { ConfigError } from '../config-error';
import { createHttpServer, listen } from './http-server';

/** Real sockets against the portal's `http.Server` (routing replaced by a one-line handler). */
describe('the portal http server: per-address connection cap and short timeouts', () => {
  const servers: http.Server[] = [];
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function start(overrides: Partial<ServerSettings>) {
    const { server, guard } = createHttpServer({ ...serverDefaults, ...overrides });
    // Answers once the whole body has arrived.
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => req.resume().once('end', () => res.end('served')));
    servers.push(server);
    // On Linux all of 127.0.0.0/8 reaches a socket bound to 127.0.0.1, so clients can come from
    // 127.0.0.2 as a second address.
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, guard, port: (server.address() as AddressInfo).port };
  }

  /** An idle socket from `localAddress`; `closed` says whether the server sent anything first. */
  function openIdle(port: number, localAddress = '127.0.0.1') {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    sockets.push(socket);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => {});
    const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
    return { socket, connected, closed, isOpen: () => !socket.destroyed };
  }

  function get(port: number, localAddress: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', localAddress, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
  }

  it('closes sockets over the cap from one address at once, and still serves another address', async () => {
    const { guard, port } = await start({ maxConnectionsPerAddress: 5 });
    const idle = Array.from({ length: 8 }, () => openIdle(port));
    await Promise.all(idle.map((s) => s.connected));
    // The three over the cap are closed by the server without a byte; the first five stay.
    const overCap = idle.slice(5);
    expect(await Promise.all(overCap.map((s) => s.closed))).toEqual(['', '', '']);
    expect(guard.refused()).toBe(3);
    expect(guard.openFrom('127.0.0.1')).toBe(5);
    expect(idle.slice(0, 5).every((s) => s.isOpen())).toBe(true);

    // A neighbour on another address is not affected…
    expect(await get(port, '127.0.0.2')).toEqual({ status: 200, body: 'served' });
    // …and the first address gets its room back as its sockets close.
    idle[0]?.socket.destroy();
    await idle[0]?.closed;
    await expect.poll(() => guard.openFrom('127.0.0.1')).toBe(4);
    expect(await get(port, '127.0.0.1')).toEqual({ status: 200, body: 'served' });
  });

  it('closes a silent new connection after the headers timeout, with a 408', async () => {
    const { guard, port } = await start({ headersTimeoutMs: 150, requestTimeoutMs: 300, timeoutCheckIntervalMs: 25 });
    const silent = openIdle(port);
    await silent.connected;
    expect(await silent.closed).toMatch(/^HTTP\/1\.1 408 /);
    await expect.poll(() => guard.openFrom('127.0.0.1')).toBe(0);
  });

  it('closes a keep-alive connection idle after its answer, after the keep-alive timeout', async () => {
    const { port } = await start({ keepAliveTimeoutMs: 100 });
    const client = openIdle(port);
    await client.connected;
    client.socket.write('GET / HTTP/1.1\r\nHost: portal.test\r\n\r\n');
    const received = await client.closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 [\s\S]*Connection: keep-alive[\s\S]*served$/);
  });

  it('closes a connection that stops sending mid-body after the idle timeout', async () => {
    const { port } = await start({ idleTimeoutMs: 100 });
    const client = openIdle(port);
    await client.connected;
    client.socket.write('POST / HTTP/1.1\r\nHost: portal.test\r\nContent-Length: 100\r\n\r\nhalf');
    // Closed without an answer: the handler was still waiting for the body.
    expect(await client.closed).toBe('');
  });
});

describe('listen', () => {
  it('turns a taken port into a ConfigError that says what to do, and leaves no listener behind', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    const { server } = createHttpServer(serverDefaults);
    try {
      const refused = listen(server, port, '127.0.0.1');
      await expect(refused).rejects.toBeInstanceOf(ConfigError);
      await expect(refused).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use (EADDRINUSE): stop what is using it, or set PORT to another port.`);
      expect(server.listenerCount('error')).toBe(0);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    // The same server listens once the port is free.
    await listen(server, port, '127.0.0.1');
    expect((server.address() as AddressInfo).port).toBe(port);
    await new Promise((resolve) => server.close(resolve));
  });
});
