/**
 * The server's edges against the real portal process (issue 10 items 2, 3, 7): a request target
 * that is not a path, oversized chunked bodies, health and readiness (a data directory that
 * cannot be written), and SIGTERM with 40 requests in flight. Real HTTP over raw sockets.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../src/store/unavailable';
import { startPortal, type RunningPortal } from '../support/portal';

/** Sends `request` on a new socket and collects everything until the server closes it. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.end(request);
  });
}

/** POSTs a chunked body of `size` bytes; resolves with the answer (the rest of the upload may fail: not ours). */
function postChunked(port: number, pathname: string, size: number): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method: 'POST', agent: false, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    for (let sent = 0; sent < size; sent += 16_384) req.write(Buffer.alloc(16_384, 'a'));
    req.end();
  });
}

describe('the portal process at its edges', () => {
  let portal: RunningPortal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal?.stop());

  it('OPTIONS * (no path) → 400 with a reason, never 500', async () => {
    const answer = await exchange(portal.port, 'OPTIONS * HTTP/1.1\r\nHost: portal.test\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('the request target must be a path');
  });

  it('a chunked body over the limit gets its 413: OAuth JSON on /oauth/token, the portal page on a form', async () => {
    const token = await postChunked(portal.port, '/oauth/token', 256 * 1024);
    expect(token.status).toBe(413);
    expect(JSON.parse(token.body)).toMatchObject({ error: 'invalid_request' });
    const form = await postChunked(portal.port, '/activate', 256 * 1024);
    expect(form.status).toBe(413);
    expect(form.type).toMatch(/^text\/html/);
    expect(form.body).toContain('data-status="too-large"');
  });

  it('GET /healthz and /readyz: 200 while the database is writable', async () => {
    const live = await fetch(`${portal.issuer}/healthz`);
    expect([live.status, await live.json(), live.headers.get('cache-control')]).toEqual([200, { status: 'ok' }, 'no-store']);
    const ready = await fetch(`${portal.issuer}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });

  /**
   * A data directory that cannot be written. Tests run as root, for whom chmod changes nothing,
   * so the files are made immutable (chattr +i: even root's writes fail, also through the
   * server's already open file descriptors) — the database and its write-ahead log, where
   * SQLite writes first. Needs CAP_LINUX_IMMUTABLE and a file system with the flag (ext4, xfs).
   */
  it('GET /readyz: 503 + Retry-After + a reason while the data directory cannot be written; ready again when it can', async () => {
    const dir = portal.env.PAIRGATE_DATA_DIR;
    const files = readdirSync(dir).filter((name) => /^pairgate\.db(-wal)?$/.test(name)).map((name) => path.join(dir, name));
    expect(files).toHaveLength(2);
    const chattr = (flag: '+i' | '-i') => execFileSync('chattr', [flag, ...files, dir]);
    try {
      chattr('+i');
    } catch (err) {
      if (process.env.CI === 'true') throw err;
      console.warn(`[skip] /readyz on a read-only data directory: chattr +i is not possible here (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
      return;
    }
    try {
      const down = await fetch(`${portal.issuer}/readyz`);
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe(String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS));
      const body = (await down.json()) as { status: string; reason: string };
      expect(body.status).toBe('unavailable');
      expect(body.reason).toMatch(/writ/i);
      expect(body.reason).not.toMatch(/ {4}at |\/tmp\//);
      // Alive all the same: nothing to restart.
      expect((await fetch(`${portal.issuer}/healthz`)).status).toBe(200);
    } finally {
      chattr('-i');
    }
    await expect.poll(async () => (await fetch(`${portal.issuer}/readyz`)).status, { timeout: 10_000 }).toBe(200);
  });
});

describe('SIGTERM drains the portal', () => {
  let portal: RunningPortal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal?.stop());

  it('40 requests in flight at SIGTERM all get complete answers, none is reset; new connections are refused; exit 0', async () => {
    const body = `grant_type=client_credentials&client_id=no-such-client&padding=${'x'.repeat(200)}`;
    const half = Math.floor(body.length / 2);
    const requests = Array.from({ length: 40 }, () => {
      const socket = net.connect({ host: '127.0.0.1', port: portal.port });
      let received = '';
      let error: string | undefined;
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
      // `Expect: 100-continue`: the server answers 100 once the request has reached its handler
      // (RFC 9110 §10.1.1), so the test knows each one is in flight before it sends SIGTERM.
      socket.write(
        `POST /oauth/token HTTP/1.1\r\nHost: portal.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n${body.slice(0, half)}`,
      );
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      return { socket, closed, received: () => received, error: () => error };
    });
    await expect.poll(() => requests.every((r) => r.received().startsWith('HTTP/1.1 100 Continue'))).toBe(true);

    const exited = once(portal.process, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    portal.process.kill('SIGTERM');
    await expect.poll(() => portal.output()).toContain('SIGTERM: shutting down; 40 request(s) in progress');

    // No longer listening: a new connection is refused, not left hanging.
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: portal.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    });
    expect(refused).toBe('ECONNREFUSED');

    // The uploads finish; every one gets its whole answer, then the server closes the connection.
    for (const r of requests) r.socket.write(body.slice(half));
    await Promise.all(requests.map((r) => r.closed));
    const answers = requests.map((r) => {
      const text = r.received().replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
      const [head = '', payload = ''] = text.split('\r\n\r\n');
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]);
      return { status: head.slice(0, 12), connection: /\r\nConnection: close/i.test(head), complete: Buffer.byteLength(payload) === length, error: r.error() };
    });
    expect(answers.filter((a) => a.error !== undefined)).toEqual([]);
    expect(answers.filter((a) => !a.complete)).toEqual([]);
    expect(new Set(answers.map((a) => `${a.status} close=${a.connection}`))).toEqual(new Set(['HTTP/1.1 401 close=true']));

    const [code] = await exited;
    expect(code).toBe(0);
  });
});
