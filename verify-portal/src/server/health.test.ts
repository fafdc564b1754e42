import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite';
import type { Store } from '../store/store';
import { serveHealth } from './health';

/** /healthz and /readyz on a real (in-memory) store; the unwritable case is in test/e2e/server-edges. */
describe('health checks', () => {
  let store: Store;
  let server: http.Server;
  let base: string;
  let draining = false;

  beforeAll(async () => {
    store = openSqliteStore(':memory:');
    await store.migrate();
    server = http.createServer((req, res) => void serveHealth(req, res, req.url ?? '', { store, draining: () => draining }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  });

  it('/readyz is 200 on a migrated, writable store, and 503 with Retry-After once a shutdown has begun', async () => {
    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    draining = true;
    try {
      const closing = await fetch(`${base}/readyz`);
      expect([closing.status, closing.headers.get('retry-after'), await closing.json()]).toEqual([503, '5', { status: 'unavailable', reason: 'The server is shutting down.' }]);
      // Still alive while it drains.
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      draining = false;
    }
  });

  it('answers GET and HEAD only', async () => {
    const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    const post = await fetch(`${base}/healthz`, { method: 'POST', body: 'x' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});
