import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExposition } from '../../test/support/prometheus';
import { observeRequests, observeUpgrades } from './access-log';
import { createLogger } from './logger';
import { createPortalMetrics, type PortalMetrics } from './portal-metrics';

type Line = Record<string, unknown>;

/** A logger whose lines the test reads, and a way to wait for one (no sleeping). */
function capture() {
  const lines: Line[] = [];
  const added = new EventEmitter();
  const log = createLogger({ level: 'info', destination: { write: (text) => void (lines.push(JSON.parse(text) as Line), added.emit('line')) } });
  return {
    log,
    lines,
    async next(predicate: (line: Line) => boolean): Promise<Line> {
      for (;;) {
        const found = lines.find(predicate);
        if (found) return found;
        await once(added, 'line');
      }
    },
  };
}

describe('observeRequests: request ids, one access line per request, HTTP metrics', () => {
  let server: http.Server | undefined;
  let metrics: PortalMetrics | undefined;
  afterEach(async () => {
    metrics?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, log: ReturnType<typeof capture>['log']) => void) {
    const logs = capture();
    metrics = createPortalMetrics();
    server = http.createServer(observeRequests((req, res) => handler(req, res, logs.log), { logger: logs.log, metrics: metrics.http, clientAddress: () => '192.0.2.7' }));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { logs, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  it('logs method, path without the query, status, duration, body bytes, client and user agent — and the id on every line', async () => {
    const { logs, base } = await serve((req, res, log) => {
      log.info('inside the handler');
      setImmediate(() => {
        log.warn('after an await');
        res.writeHead(303, { Location: '/activate/confirm' });
        res.write('see ');
        res.end(Buffer.from('there ✓'));
      });
    });
    const response = await fetch(`${base}/activate?user_code=WDJB-MJHT&next=%2F`, { method: 'POST', redirect: 'manual', headers: { 'user-agent': 'Pixel 7', cookie: 'pairgate-session=abc' } });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.text()).toBe('see there ✓');

    const access = await logs.next((l) => l.msg === 'request');
    expect(access).toMatchObject({ level: 'info', reqId: id, method: 'POST', path: '/activate', status: 303, bytes: Buffer.byteLength('see there ✓'), remoteAddress: '192.0.2.7', userAgent: 'Pixel 7' });
    expect(access.durationMs).toBeTypeOf('number');
    expect(Object.keys(access).sort()).toEqual(['bytes', 'durationMs', 'hostname', 'level', 'method', 'msg', 'path', 'pid', 'remoteAddress', 'reqId', 'status', 'time', 'userAgent']);
    expect(logs.lines.filter((l) => l.msg !== 'request').map((l) => l.reqId)).toEqual([id, id]);
    expect(JSON.stringify(logs.lines)).not.toMatch(/WDJB|user_code|pairgate-session/);
  });

  it('keeps a safe incoming X-Request-Id and replaces an unsafe one', async () => {
    const { logs, base } = await serve((_req, res) => res.end('ok'));
    const kept = await fetch(`${base}/`, { headers: { 'x-request-id': 'lb-7f3a.1' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.1');
    const replaced = await fetch(`${base}/`, { headers: { 'x-request-id': 'x"; DROP' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await logs.next((l) => l.reqId === replaced.headers.get('x-request-id'));
    expect(logs.lines.map((l) => l.reqId)).toEqual(['lb-7f3a.1', replaced.headers.get('x-request-id')]);
  });

  it('logs health probes at debug, so they do not bury the requests people make', async () => {
    const { logs, base } = await serve((_req, res) => res.end('{"status":"ok"}'));
    await fetch(`${base}/healthz`);
    await fetch(`${base}/readyz`);
    await fetch(`${base}/activate`);
    await logs.next((l) => l.path === '/activate');
    expect(logs.lines.map((l) => l.path)).toEqual(['/activate']);
  });

  it('logs a request the client abandoned as 499, aborted', async () => {
    const arrived = new EventEmitter();
    // Never answers: the client gives up first.
    const { logs, base } = await serve(() => void arrived.emit('request'));
    const socket = net.connect(Number(new URL(base).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /oauth/token?refresh_token=abc HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(arrived, 'request');
    expect(logs.lines).toEqual([]);
    socket.destroy();
    const line = await logs.next((l) => l.msg === 'request');
    expect(line).toMatchObject({ path: '/oauth/token', status: 499, aborted: true });
  });

  it('counts requests by bounded route, method and status, and times them', async () => {
    const { logs, base } = await serve((req, res) => {
      res.statusCode = req.url?.startsWith('/oauth/token') ? 400 : 404;
      res.end();
    });
    await fetch(`${base}/oauth/token`, { method: 'POST' });
    await fetch(`${base}/oauth/token?x=1`, { method: 'POST' });
    await fetch(`${base}/no/such/page-1`);
    await fetch(`${base}/no/such/page-2`);
    // The counters move when each response closes, with its access line.
    await logs.next(() => logs.lines.length === 4);
    const scrape = parseExposition(metrics!.registry.render());
    expect(scrape.value('pairgate_http_requests_total', { route: '/oauth/token', method: 'POST', status: '400' })).toBe(2);
    expect(scrape.value('pairgate_http_requests_total', { route: 'other', method: 'GET', status: '404' })).toBe(2);
    expect(scrape.value('pairgate_http_request_duration_seconds_count', { route: '/oauth/token' })).toBe(2);
    expect(scrape.series('pairgate_http_requests_total')).toHaveLength(2);
  });
});

describe('observeUpgrades', () => {
  it('runs the upgrade handler with a request id and logs when the connection ends', async () => {
    const logs = capture();
    const server = http.createServer();
    server.on(
      'upgrade',
      observeUpgrades(
        (_req, socket) => {
          logs.log.info('handshake');
          socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        },
        { logger: logs.log, clientAddress: () => '192.0.2.8' },
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const response = await new Promise<http.IncomingMessage>((resolve) => {
      http.get({ port, host: '127.0.0.1', path: '/oauth/device/events?device_code=abc', headers: { connection: 'upgrade', upgrade: 'websocket' } }, resolve);
    });
    expect(response.statusCode).toBe(404);
    const closed = await logs.next((l) => l.msg === 'upgrade closed');
    expect(closed).toMatchObject({ method: 'GET', path: '/oauth/device/events', upgrade: 'websocket', remoteAddress: '192.0.2.8' });
    expect(logs.lines[0]).toMatchObject({ msg: 'handshake', reqId: closed.reqId });
    server.close();
  });
});
