import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createShutdown } from './shutdown';

/** The drain on a real server with real sockets; requests are held open by the test. */
describe('graceful shutdown', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  async function start(graceMs: number) {
    const server = http.createServer();
    const held: (() => void)[] = [];
    const events: string[] = [];
    const lifecycle = createShutdown({
      server,
      graceMs,
      closeUpgraded: () => events.push('upgraded closed'),
      release: async () => {
        events.push('released');
      },
      log: (line) => events.push(line),
    });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url === '/hold') held.push(() => res.end('finished'));
      else res.end('quick');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => server.closeAllConnections());
    return { server, lifecycle, held, events, port: (server.address() as AddressInfo).port };
  }

  function client(port: number, request: string) {
    const socket = net.connect({ host: '127.0.0.1', port });
    cleanups.push(() => socket.destroy());
    let received = '';
    let error: string | undefined;
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code));
    socket.write(request);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    return { closed, received: () => received, error: () => error };
  }

  const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: portal.test\r\n\r\n`;

  it('refuses new connections, closes idle ones, lets the one in progress finish with Connection: close, then releases', async () => {
    const { lifecycle, held, events, port } = await start(10_000);
    const idle = client(port, get('/quick'));
    await expect.poll(idle.received).toContain('quick');
    const busy = client(port, get('/hold'));
    await expect.poll(() => held.length).toBe(1);

    const done = lifecycle.shutdown('SIGTERM');
    expect(lifecycle.draining()).toBe(true);
    expect(events[0]).toBe('[pairgate] SIGTERM: shutting down; 1 request(s) in progress get up to 10 s');
    expect(events).toContain('upgraded closed');
    await idle.closed; // the idle keep-alive connection
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(undefined));
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect(events).not.toContain('released');

    held[0]?.();
    await busy.closed;
    expect(busy.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Connection: close[\s\S]*finished$/);
    expect(busy.error()).toBeUndefined();
    await done;
    expect(events.at(-1)).toBe('released');
  });

  it('closes what is still in progress when the grace period is over', async () => {
    const { lifecycle, held, events, port } = await start(50);
    const stuck = client(port, get('/hold'));
    await expect.poll(() => held.length).toBe(1);
    await lifecycle.shutdown('SIGINT');
    await stuck.closed;
    expect(stuck.received()).toBe('');
    expect(events).toContain('[pairgate] 1 request(s) still in progress after the grace period; closing their connections');
    expect(events.at(-1)).toBe('released');
  });
});
