/**
 * Health checks for load balancers and orchestrators, answered before anything else:
 * - `GET /healthz` (liveness): the process answers. 200 `{"status":"ok"}`; nothing else is
 *   checked, so a database outage never gets a healthy process restarted.
 * - `GET /readyz` (readiness): send traffic here? 200 `{"status":"ready"}` only when the database
 *   answers, is fully migrated and takes a write (`Store.checkReady`), and the process is not
 *   shutting down; else 503 with `Retry-After` and `{"status":"unavailable","reason":"…"}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../store/store';
import { STORE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../store/unavailable';

export const HEALTH_PATHS = ['/healthz', '/readyz'] as const;

export function isHealthPath(pathname: string): boolean {
  return (HEALTH_PATHS as readonly string[]).includes(pathname);
}

export interface HealthOptions {
  store: Pick<Store, 'checkReady'>;
  /** True once a shutdown has begun: no new traffic should come here. */
  draining(): boolean;
}

export async function serveHealth(req: IncomingMessage, res: ServerResponse, pathname: string, options: HealthOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    req.resume();
    return write(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET, HEAD' });
  }
  if (pathname === '/healthz') return write(res, 200, { status: 'ok' });
  const readiness = options.draining() ? { ready: false as const, reason: 'The server is shutting down.' } : await options.store.checkReady();
  if (readiness.ready) return write(res, 200, { status: 'ready' });
  // RFC 9110 §10.2.3: when to ask again.
  write(res, 503, { status: 'unavailable', reason: readiness.reason }, { 'Retry-After': String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS) });
}

function write(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(res.req.method === 'HEAD' ? undefined : payload);
}
