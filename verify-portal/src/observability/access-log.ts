import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { writeFields, type Logger } from './logger';
import type { HttpMetrics } from './portal-metrics';
import { requestIdFrom, runInRequest } from './request-context';
import { methodOf, routeOf } from './routes';

export interface ObserveOptions {
  logger: Logger;
  /** Request counts and durations for `/metrics`; none when metrics are off. */
  metrics?: HttpMetrics;
  /** The client address as the server trusts it (the socket peer, or `X-Forwarded-For` behind a trusted proxy). */
  clientAddress(req: IncomingMessage): string;
}

/** nginx's status for "the client closed the connection before the response was sent". */
const CLIENT_CLOSED_REQUEST = 499;
/** Enough to read; a longer path or user agent is noise someone sent on purpose. */
const MAX_LOGGED_LENGTH = 512;
/**
 * Health probes (a load balancer or orchestrator asks every few seconds) are logged at `debug`:
 * at `info` they would bury the requests people make. They are still counted in the metrics.
 */
const PROBES: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/**
 * Wraps the server's request handler: each request gets an id (a safe incoming `X-Request-Id`,
 * else a fresh one), echoed in the response and on every log line written while serving it; and
 * when the response is done (or the client gave up), one access-log line and its metrics.
 *
 * The line has the path but never the query (`/activate?user_code=…` carries a code, a redirect
 * `?code=…`), and of the headers only `User-Agent`.
 */
export function observeRequests(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: ObserveOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    const bodyBytes = countBodyBytes(res);
    res.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const path = pathOf(req.url);
      const complete = res.writableFinished;
      const status = complete || res.headersSent ? res.statusCode : CLIENT_CLOSED_REQUEST;
      options.metrics?.request(routeOf(path), methodOf(req.method), status, seconds);
      // One line per request: written field by field (logger.ts `writeFields`), not through pino.
      writeFields(
        options.logger,
        PROBES.has(path) ? 'debug' : 'info',
        {
          reqId: requestId,
          method: req.method,
          path,
          status,
          durationMs: Math.round(seconds * 1e4) / 10,
          bytes: req.method === 'HEAD' ? 0 : bodyBytes(),
          remoteAddress: options.clientAddress(req),
          userAgent: truncate(req.headers['user-agent']),
          aborted: complete ? undefined : true,
        },
        'request',
      );
    });
    runInRequest({ requestId }, () => handler(req, res));
  };
}

/**
 * The same for HTTP upgrades (the device push channel): an id for whatever the channel logs
 * during the handshake, and one line when the connection ends, with how long it was open. The
 * open channels themselves are the `pairgate_push_channels_open` gauge.
 */
export function observeUpgrades(
  handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  options: ObserveOptions,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const started = performance.now();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    socket.once('close', () => {
      options.logger.info(
        {
          reqId: requestId,
          method: req.method,
          path: pathOf(req.url),
          upgrade: truncate(req.headers.upgrade),
          durationMs: Math.round(performance.now() - started),
          remoteAddress: options.clientAddress(req),
          userAgent: truncate(req.headers['user-agent']),
        },
        'upgrade closed',
      );
    });
    runInRequest({ requestId }, () => handler(req, socket, head));
  };
}

/** The request target without its query: a query can carry a code or a token. */
function pathOf(url: string | undefined): string {
  return truncate((url ?? '').split('?', 1)[0]) ?? '';
}

function truncate(value: string | undefined): string | undefined {
  return value !== undefined && value.length > MAX_LOGGED_LENGTH ? `${value.slice(0, MAX_LOGGED_LENGTH)}…` : value;
}

/**
 * Counts the body bytes a response writes (nginx's `$body_bytes_sent`). Node keeps no such count:
 * `Content-Length` is absent on streamed pages, and the socket's count spans every response on a
 * kept-alive connection.
 */
function countBodyBytes(res: ServerResponse): () => number {
  let bytes = 0;
  const add = (chunk: unknown, encoding: unknown) => {
    if (typeof chunk === 'string') bytes += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((...args: unknown[]) => {
    add(args[0], args[1]);
    return write(...args);
  }) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => {
    if (typeof args[0] !== 'function') add(args[0], args[1]);
    return end(...args);
  }) as ServerResponse['end'];
  return () => bytes;
}
