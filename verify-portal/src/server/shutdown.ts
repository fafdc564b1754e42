/**
 * Graceful shutdown (SIGTERM from an orchestrator, SIGINT from a terminal): lose no request.
 *
 * 1. Stop accepting connections (the listening socket closes: new connections are refused) and
 *    close idle keep-alive connections; `/readyz` answers 503 from now on.
 * 2. Close the WebSockets with 1001 "going away" (RFC 6455 §7.4.1): devices reconnect to another
 *    instance or keep polling; push is only a hint.
 * 3. Let requests in progress finish, for up to the grace period. Their answers carry
 *    `Connection: close` (RFC 9112 §9.6), so each connection closes once answered.
 * 4. Close whatever is left, then the caller's resources (store, events, Next.js), in order.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface ShutdownOptions {
  server: Server;
  graceMs: number;
  /** Step 2: close long-lived connections that are not HTTP requests (the WebSockets). */
  closeUpgraded(): void;
  /** Step 4, after the last request: release resources. A failure is logged, not thrown. */
  release(): Promise<void>;
  log(message: string): void;
}

export interface Shutdown {
  /** Whether a shutdown has begun. */
  draining(): boolean;
  /** Runs the steps above once; later calls return the same promise. */
  shutdown(reason: string): Promise<void>;
  /** Requests being answered right now. */
  inFlight(): number;
}

export function createShutdown(options: ShutdownOptions): Shutdown {
  const { server } = options;
  const open = new Set<ServerResponse>();
  let allAnswered: (() => void) | undefined;
  let started: Promise<void> | undefined;

  // First in line, so the header is set before any handler starts its answer.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (started) res.setHeader('Connection', 'close');
    open.add(res);
    res.once('close', () => {
      open.delete(res);
      if (started && open.size === 0) allAnswered?.();
    });
  });

  async function run(reason: string): Promise<void> {
    const inFlight = open.size;
    options.log(`[pairgate] ${reason}: shutting down; ${inFlight} request(s) in progress get up to ${Math.round(options.graceMs / 1000)} s`);
    for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
    server.close();
    server.closeIdleConnections();
    options.closeUpgraded();

    let timer: NodeJS.Timeout | undefined;
    const answered = open.size === 0 ? Promise.resolve(true) : new Promise<boolean>((resolve) => (allAnswered = () => resolve(true)));
    const finished = await Promise.race([answered, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), options.graceMs)))]);
    clearTimeout(timer);
    if (!finished) options.log(`[pairgate] ${open.size} request(s) still in progress after the grace period; closing their connections`);
    // Not waiting for the server's 'close': a WebSocket peer that never completes its closing
    // handshake would hold it open; the process is about to exit anyway.
    server.closeAllConnections();
    await options.release().catch((err: unknown) => options.log(`[pairgate] while releasing resources: ${err instanceof Error ? err.message : String(err)}`));
  }

  return {
    draining: () => started !== undefined,
    shutdown(reason) {
      started ??= run(reason);
      return started;
    },
    inFlight: () => open.size,
  };
}
