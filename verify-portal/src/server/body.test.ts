import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../defaults';
import { serveNode } from '../oauth/http/node-adapter';
import { createTestCore } from '../oauth/test-support';
import { portalDefaults } from '../portal/defaults';
import { preparePortalRequest, serveForm } from '../portal/http/serve';
import { serverDefaults } from './defaults';

/**
 * The one body reader over real HTTP: the token endpoint (OAuth adapter) and a portal form
 * (form handler) on one `http.Server`, the OAuth core in-process on SQLite.
 */
describe('request bodies over the limit get a 413 answer, chunked or not', () => {
  let t: Awaited<ReturnType<typeof createTestCore>>;
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    t = await createTestCore();
    server = http.createServer((req, res) => {
      if (req.url === '/oauth/token') {
        void serveNode(t.core.handle, req, res, { trustProxy: false });
        return;
      }
      const prepared = preparePortalRequest(req, res, { https: false, dev: false, trustProxy: false });
      void serveForm({ store: t.store, provider: t.core, secure: false }, req, res, prepared, () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  interface Answer {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
  }

  /** POSTs `size` bytes of form body, chunked (no Content-Length) or with a Content-Length. */
  function post(path: string, size: number, framing: 'chunked' | 'length'): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const body = Buffer.alloc(size, 'a');
      const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'application/x-www-form-urlencoded' };
      if (framing === 'length') headers['Content-Length'] = size;
      const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      let answered = false;
      req.on('response', () => (answered = true));
      // Once the answer is in, the client may still fail writing the rest (EPIPE): not ours.
      req.on('error', (err) => {
        if (!answered) reject(err);
      });
      req.end(body);
    });
  }

  const over = defaults.maxBodyBytes * 4;

  it.each(['chunked', 'length'] as const)('POST /oauth/token, %s, over the limit: 413 invalid_request with a JSON body', async (framing) => {
    const answer = await post('/oauth/token', over, framing);
    expect(answer.status).toBe(413);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request' });
  });

  it.each(['chunked', 'length'] as const)('POST /activate (a portal form), %s, over the limit: 413 with the portal page', async (framing) => {
    const answer = await post('/activate', portalDefaults.maxFormBytes * 4, framing);
    expect(answer.status).toBe(413);
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(answer.body).toContain('data-status="too-large"');
  });

  it('reads a body at the limit as usual (chunked)', async () => {
    const answer = await post('/oauth/token', defaults.maxBodyBytes, 'chunked');
    // A body of "aaa…" is no grant: the endpoint answered it, it was not refused for size.
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request' });
  });

  /** A raw socket that sends `head`, then chunks of 16 KiB until told to stop or the socket closes. */
  function endlessChunkedUpload(path: string) {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => {});
    const chunk = Buffer.concat([Buffer.from('4000\r\n'), Buffer.alloc(0x4000, 'a'), Buffer.from('\r\n')]);
    let sent = 0;
    const pump = () => {
      while (!socket.destroyed && socket.write(chunk)) sent += 0x4000;
    };
    socket.on('drain', pump);
    socket.once('connect', () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: portal.test\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n`);
      pump();
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    return { closed, received: () => received, sent: () => sent };
  }

  it.each(['/oauth/token', '/activate'])('POST %s with a body that never ends: the 413 is answered, then the connection is closed', async (path) => {
    const upload = endlessChunkedUpload(path);
    await upload.closed;
    expect(upload.received()).toMatch(/^HTTP\/1\.1 413 /);
    // The server read on past the limit (lingering close) before it hung up.
    expect(upload.sent()).toBeGreaterThan(serverDefaults.maxDrainBytes);
  });
});
