/**
 * The portal's `http.Server`: short timeouts and the per-address connection cap, from one set of
 * settings (see `defaults.ts` for each value and why). Routing is attached by the caller.
 */
import http from 'node:http';
import { ConfigError } from '../config-error';
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

/**
 * Starts listening. A port that is taken or not ours to use is the operator's to fix: a
 * `ConfigError` (one line, exit 2), never an unhandled 'error' event.
 */
export function listen(server: http.Server, port: number, host: string | undefined): Promise<void> {
  const where = host ?? 'every address';
  return new Promise((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new ConfigError(`Port ${port} on ${where} is already in use (EADDRINUSE): stop what is using it, or set PORT to another port.`));
      else if (err.code === 'EACCES') reject(new ConfigError(`Not allowed to listen on port ${port} on ${where} (EACCES): use a port above 1023, or set PORT.`));
      else if (err.code === 'EADDRNOTAVAIL') reject(new ConfigError(`${host} is not an address of this machine (EADDRNOTAVAIL): set HOST to one of its addresses, or 0.0.0.0.`));
      else reject(err);
    };
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}
