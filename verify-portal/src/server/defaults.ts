/**
 * Settings of the portal's HTTP server itself — connections, timeouts, bodies, shutdown: what
 * each does, its value, and why. The OAuth core's settings are in `src/defaults.ts`, the pages'
 * in `src/portal/defaults.ts`. `PAIRGATE_MAX_CONNECTIONS_PER_ADDRESS` and
 * `PAIRGATE_SHUTDOWN_GRACE_SECONDS` override the two a deployment may need to change (env.ts).
 */
export const serverDefaults = {
  /** Open TCP connections allowed from one peer address; more are closed at once. 64: a browser
   * opens at most 6 per origin and a kiosk 2, so a household or an office NAT has plenty of room,
   * while one address can no longer hold thousands of idle sockets and run the process out of
   * file descriptors. The peer is the socket's address, never `X-Forwarded-For`: behind a proxy
   * every connection comes from the proxy, so set the proxy's own per-client limits (README). */
  maxConnectionsPerAddress: 64,
  /** Time a client has to send the request line and headers (Node `headersTimeout`), also the
   * longest a fresh connection may stay silent. 10 s: a phone on a poor network sends its few
   * hundred bytes of headers in well under that; a slowloris holding sockets open is cut off. */
  headersTimeoutMs: 10_000,
  /** Time a client has to send a whole request, body included (Node `requestTimeout`). 30 s:
   * the largest body read here is 64 KiB. */
  requestTimeoutMs: 30_000,
  /** How long an idle keep-alive connection is kept between requests (Node `keepAliveTimeout`).
   * 5 s: enough for the next request of a page load; idle sockets cost a file descriptor each. */
  keepAliveTimeoutMs: 5_000,
  /** Inactivity on a socket while a request is being answered (Node `server.timeout`), e.g. a
   * client that stops reading its response. WebSockets are exempt (ws turns it off on upgrade). */
  idleTimeoutMs: 30_000,
  /** How often Node checks the header and request timeouts above (`connectionsCheckingInterval`);
   * its default of 30 s would let a 10 s timeout run to 40 s. */
  timeoutCheckIntervalMs: 1_000,
  /** After an oversized body is refused, how much more of it is read and dropped so the client
   * can finish sending and read the 413: closing a socket with unread data makes TCP send a
   * reset, which can destroy the answer before the client reads it (the "lingering close" of
   * nginx and Apache). Past this the connection is closed. */
  maxDrainBytes: 1024 * 1024,
  /** On SIGTERM/SIGINT: how long requests already in progress may take to finish before their
   * connections are closed. 10 s: every request here is answered in milliseconds unless the
   * client is slow; orchestrators wait 30 s (Kubernetes) before they kill. */
  shutdownGraceSeconds: 10,
} as const;

export type ServerSettings = { -readonly [K in keyof typeof serverDefaults]: number };
