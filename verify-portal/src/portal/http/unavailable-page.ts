/**
 * Next.js renders an error thrown inside a page as its own 500 page, and an app-router page has
 * no way to answer another status. A page whose loader found the database away should answer
 * 503 with Retry-After like every other part of the server (store/unavailable.ts): the request
 * was fine, and retrying shortly will work. So the portal hands pages to Next through this guard,
 * which watches the response: if Next is about to send a 5xx while `databaseAway()` says the
 * database was found away, the portal's own 503 page goes out instead, before any byte of
 * Next's. Anything else Next sends passes through untouched.
 */
import type { OutgoingHttpHeader, ServerResponse } from 'node:http';

type WriteHead = ServerResponse['writeHead'];

/**
 * Runs `render` (Next's handler for this request); `writeUnavailable` writes the 503 page on
 * `res` with the headers the portal had set before Next ran (security headers, request id).
 */
export async function renderUnlessDatabaseAway(
  res: ServerResponse,
  render: () => Promise<void>,
  databaseAway: () => boolean,
  writeUnavailable: () => void,
): Promise<void> {
  const portalHeaders = res.getHeaders();
  const original = { writeHead: res.writeHead, flushHeaders: res.flushHeaders, write: res.write, end: res.end };
  let replaced = false;

  /** Whether the response Next is starting (with `status`) is to become the 503 page; if so, writes it. */
  const replace = (status: number): boolean => {
    if (replaced) return true;
    if (res.headersSent || status < 500 || !databaseAway()) return false;
    replaced = true;
    Object.assign(res, original);
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    for (const [name, value] of Object.entries(portalHeaders)) if (value !== undefined) res.setHeader(name, value as OutgoingHttpHeader);
    writeUnavailable();
    // What Next still sends goes nowhere; its callbacks are called, so its stream finishes.
    res.writeHead = (() => res) as WriteHead;
    res.flushHeaders = () => undefined;
    res.write = ((...args: unknown[]) => callBack(args)) as ServerResponse['write'];
    res.end = ((...args: unknown[]) => {
      callBack(args);
      return res;
    }) as ServerResponse['end'];
    return true;
  };

  // Every way a response starts goes through one of these four: Next sets `statusCode` and then
  // flushes, writes or ends, or calls writeHead.
  res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
    if (replace(status)) return res;
    return (original.writeHead as (status: number, ...rest: unknown[]) => ServerResponse).call(this, status, ...rest);
  } as WriteHead;
  res.flushHeaders = function (this: ServerResponse) {
    if (replace(res.statusCode)) return;
    original.flushHeaders.call(this);
  };
  res.write = function (this: ServerResponse, ...args: unknown[]) {
    if (replace(res.statusCode)) return callBack(args);
    return (original.write as (...args: unknown[]) => boolean).apply(this, args);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    if (replace(res.statusCode)) {
      callBack(args);
      return res;
    }
    return (original.end as (...args: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['end'];

  try {
    await render();
  } finally {
    if (!replaced) Object.assign(res, original);
  }
}

/** A swallowed write or end still calls its callback (the last argument, if a function). */
function callBack(args: unknown[]): true {
  const last = args.at(-1);
  if (typeof last === 'function') process.nextTick(last as () => void);
  return true;
}
