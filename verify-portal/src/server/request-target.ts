/**
 * The request target (RFC 9112 §3.2), read once for the whole server so that every part routes
 * on the same path:
 * - origin-form `/path?query` is what browsers and clients send;
 * - absolute-form `http://host/path?query` must be accepted by a server too (§3.2.2) and is
 *   reduced to its path and query;
 * - asterisk-form `*` (`OPTIONS *`, §3.2.4) and anything else name no resource here: 400.
 * Dot segments and `%2e` are resolved by the WHATWG URL parser, so `/x/../oauth/token` is routed
 * as `/oauth/token` everywhere, and `req.url` is rewritten to the result for Next.js too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A base for parsing only; never shown or used as the issuer. */
const BASE = 'http://request-target.invalid';

/** The target as a URL on a placeholder origin (path and query are what count), or undefined. */
export function parseRequestTarget(rawUrl: string | undefined): URL | undefined {
  if (rawUrl === undefined || rawUrl === '') return undefined;
  try {
    // Concatenated, not resolved: `//host/x` is a path with an empty first segment here, not a
    // reference to another host.
    if (rawUrl.startsWith('/')) return new URL(BASE + rawUrl);
    const absolute = new URL(rawUrl);
    if (absolute.protocol !== 'http:' && absolute.protocol !== 'https:') return undefined;
    return new URL(BASE + absolute.pathname + absolute.search);
  } catch {
    return undefined;
  }
}

/**
 * Normalises `req.url` to origin-form and returns its path, or answers 400 and returns
 * undefined when the target is not a path.
 */
export function acceptRequestTarget(req: IncomingMessage, res: ServerResponse): URL | undefined {
  const target = parseRequestTarget(req.url);
  if (target) {
    req.url = target.pathname + target.search;
    return target;
  }
  const text = 'Bad request: the request target must be a path, such as /activate.\n';
  req.resume();
  res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), Connection: 'close', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
  return undefined;
}
