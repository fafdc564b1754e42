/**
 * The portal's `http.Server`: short timeouts and the per-address connection cap, from one set of
 * settings (see `defaults.ts` for each value and why). Routing is attached by the caller.
 */
import http from 'node:http';
import { guardConnections, type ConnectionGuard } from './connection-guard';
import type { ServerSettings } from './defaults';

export function createHttpServer(settings: ServerSettings): { server: http.Server; guard: ConnectionGuard } {
  const server = http.createServer({
    connectionsCheckingInterval: settings.timeoutCheckIntervalMs,
    headersTimeout: settings.headersTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
  });
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  // Without a 'timeout' listener, Node destroys a socket idle this long.
  server.timeout = settings.idleTimeoutMs;
  const guard = guardConnections(server, settings.maxConnectionsPerAddress);
  return { server, guard };
}
