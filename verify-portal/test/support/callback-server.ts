/**
 * A web app's redirect URI for the end-to-end suites: a real HTTP server on 127.0.0.1 that
 * records what the browser brings to `/cb` — a form POST (response_mode=form_post) or a plain
 * redirect's query — in the order it arrives.
 */
import http from 'node:http';

export interface Received {
  method: string;
  url: URL;
  /** The POSTed form (form_post), or the query (a plain redirect). */
  params: URLSearchParams;
  contentType: string | undefined;
}

/** Starts it on a free port; `next()` resolves with the next arrival at /cb (anything else, like /favicon.ico, gets a 404). */
export async function callbackServer(): Promise<{ base: string; next(): Promise<Received>; close(): void }> {
  const server = http.createServer();
  const queue: Received[] = [];
  const waiting: ((r: Received) => void)[] = [];
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${(server.address() as { port: number }).port}`);
      // Only the registered callback counts (the browser also asks for /favicon.ico).
      if (url.pathname !== '/cb') {
        res.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const received: Received = { method: req.method ?? '', url, params: req.method === 'POST' ? new URLSearchParams(body) : url.searchParams, contentType: req.headers['content-type'] };
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><title>Signed in</title><p>Signed in to the web app.</p>');
      const w = waiting.shift();
      if (w) w(received);
      else queue.push(received);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}`,
    next: () => {
      const ready = queue.shift();
      return ready ? Promise.resolve(ready) : new Promise((r) => waiting.push(r));
    },
    close: () => server.close(),
  };
}
