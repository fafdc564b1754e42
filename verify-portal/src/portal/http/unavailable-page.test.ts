/**
 * The guard around Next.js's page handler, over real HTTP with keep-alive (so a byte of Next's
 * answer sent after ours would corrupt the next response on the connection). `render` plays Next
 * the ways it answers: status then a streamed body (flushHeaders, write, end), or writeHead and
 * end at once.
 */
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderUnlessDatabaseAway } from './unavailable-page';

type Render = (res: ServerResponse) => Promise<void>;

const streamed = (status: number): Render => async (res) => {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('x-nextjs-cache', 'MISS');
  res.flushHeaders();
  await new Promise<void>((resolve) => res.write('<html>next ', () => resolve()));
  await new Promise<void>((resolve) => res.end(`${status}</html>`, () => resolve()));
};

const atOnce = (status: number): Render => async (res) => {
  res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': 13 });
  res.end('next at once!');
};

describe('a page Next is about to answer with 5xx while the database is away', () => {
  let server: http.Server;
  let base: string;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let next: { render: Render; away: boolean };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      // What the portal sets before Next runs: kept on the 503 page.
      res.setHeader('X-Request-Id', 'req-1');
      res.setHeader('Content-Security-Policy', "default-src 'none'");
      void renderUnlessDatabaseAway(res, () => next.render(res), () => next.away, () => {
        res.writeHead(503, { 'Retry-After': '5', 'Content-Type': 'text/plain', 'Content-Length': 11 });
        res.end('back soon.\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** GET over the one kept-alive connection: status, the headers that matter, body. */
  const get = (): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> =>
    new Promise((resolve, reject) => {
      http
        .get(`${base}/page`, { agent }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        })
        .on('error', reject);
    });

  it('a streamed 500 becomes the 503 page, with the portal headers kept and none of Next’s', async () => {
    next = { render: streamed(500), away: true };
    const answer = await get();
    expect(answer).toMatchObject({ status: 503, body: 'back soon.\n' });
    expect(answer.headers).toMatchObject({ 'retry-after': '5', 'x-request-id': 'req-1', 'content-security-policy': "default-src 'none'", 'content-type': 'text/plain' });
    expect(answer.headers).not.toHaveProperty('x-nextjs-cache');
    // The same connection carries the next answer cleanly: nothing of Next's 500 was sent after ours.
    next = { render: streamed(200), away: true };
    expect(await get()).toMatchObject({ status: 200, body: '<html>next 200</html>' });
  });

  it('a 500 written at once (writeHead, end) is replaced the same way', async () => {
    next = { render: atOnce(500), away: true };
    expect(await get()).toMatchObject({ status: 503, body: 'back soon.\n' });
    next = { render: atOnce(200), away: false };
    expect(await get()).toMatchObject({ status: 200, body: 'next at once!' });
  });

  it('passes through a 500 when the database is fine, and anything below 500 whatever the database', async () => {
    next = { render: streamed(500), away: false };
    expect(await get()).toMatchObject({ status: 500, body: '<html>next 500</html>' });
    next = { render: streamed(404), away: true };
    expect(await get()).toMatchObject({ status: 404, body: '<html>next 404</html>' });
  });
});
