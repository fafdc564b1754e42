/**
 * A cap on open connections per peer address: one address holding thousands of idle sockets
 * ran the process out of file descriptors and every other client was reset (issue 10). Sockets
 * over the cap are closed at once, before a byte is read.
 *
 * The peer is the socket's address, never `X-Forwarded-For` (a client writes that header; the
 * cap must hold before any request is parsed). Behind a reverse proxy every connection comes
 * from the proxy, so the cap there bounds the proxy's pool to this instance: set it above that
 * pool and let the proxy limit each client (README, "Behind a reverse proxy").
 */
import type { Server } from 'node:net';
import { normalizeAddress } from '../net/address';

export interface ConnectionGuard {
  /** Open connections from `address` right now (for tests and diagnostics). */
  openFrom(address: string): number;
  /** Connections closed for being over the cap since start. */
  refused(): number;
}

export function guardConnections(server: Server, maxPerAddress: number): ConnectionGuard {
  const open = new Map<string, number>();
  let refused = 0;
  server.on('connection', (socket) => {
    // A socket that is already gone has no address; nothing to count or keep.
    if (socket.remoteAddress === undefined) {
      socket.destroy();
      return;
    }
    const address = normalizeAddress(socket.remoteAddress);
    const count = open.get(address) ?? 0;
    if (count >= maxPerAddress) {
      refused += 1;
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
  return {
    openFrom: (address) => open.get(normalizeAddress(address)) ?? 0,
    refused: () => refused,
  };
}
