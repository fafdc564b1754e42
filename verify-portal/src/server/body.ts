/**
 * The one request-body reader of the server (OAuth endpoints, the example API, the portal's
 * forms): a byte limit that holds for `Content-Length` and chunked bodies alike, and an
 * oversized body that is refused with an answer, not a dropped connection.
 *
 * Refusing: the caller answers 413 while the rest of the body is read and dropped, up to
 * `maxDrainBytes`; past that the connection is closed, but only once the answer has been
 * written (RFC 9110 §15.5.14: the server may close the connection after a 413). Destroying the
 * request instead — what the OAuth adapter used to do — closed the socket before any answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serverDefaults } from './defaults';

export type BodyRead =
  | { ok: true; text: string }
  /** `too-large`: answer 413. `aborted`: the client went away mid-body; nobody is listening. */
  | { ok: false; reason: 'too-large' | 'aborted' };

/** Reads the body as UTF-8 text, at most `limit` bytes (see above for what happens past it). */
export function readBody(req: IncomingMessage, res: ServerResponse, limit: number, maxDrainBytes: number = serverDefaults.maxDrainBytes): Promise<BodyRead> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    // Node's parser has already refused a malformed Content-Length; a declared size over the
    // limit is refused before a byte of it is read.
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      discardBody(req, res, maxDrainBytes);
      settle({ ok: false, reason: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      chunks.length = 0;
      discardBody(req, res, maxDrainBytes - (size - limit));
      settle({ ok: false, reason: 'too-large' });
    };
    req.on('data', onData);
    req.once('end', () => settle({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    // A client that disconnects mid-body: 'close' without 'end' (and an 'error' that must not
    // go unheard, or it would be thrown).
    req.on('error', () => settle({ ok: false, reason: 'aborted' }));
    req.once('close', () => settle({ ok: false, reason: 'aborted' }));
  });
}

/**
 * Reads and drops a body nobody will use (a refused request), at most `maxDrainBytes` of it;
 * past that the connection is closed once `res` has been written.
 */
export function discardBody(req: IncomingMessage, res: ServerResponse, maxDrainBytes: number = serverDefaults.maxDrainBytes): void {
  let dropped = 0;
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    closeAfterResponse(req, res);
  };
  req.on('error', () => {});
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > maxDrainBytes) close();
  });
  if (maxDrainBytes < 0) close();
  req.resume();
}

function closeAfterResponse(req: IncomingMessage, res: ServerResponse): void {
  if (res.writableFinished || res.destroyed) {
    req.socket.destroy();
    return;
  }
  // Tell the client too (RFC 9112 §9.6), when the answer has not started yet.
  if (!res.headersSent) res.setHeader('Connection', 'close');
  res.once('finish', () => req.socket.destroy());
  res.once('close', () => req.socket.destroy());
}

/**
 * The same limit for a Fetch `Request` body (the Fetch adapter: tests and other hosts). The
 * stream is cancelled once it passes the limit; the host owns the connection.
 */
export async function readFetchBody(body: ReadableStream<Uint8Array> | null, limit: number): Promise<BodyRead> {
  if (!body) return { ok: true, text: '' };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return { ok: false, reason: 'too-large' };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}
