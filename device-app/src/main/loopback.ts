/**
 * The loopback redirect listener for a native app's authorization response (RFC 8252 §7.3):
 * an HTTP server on `127.0.0.1` (the IP literal, not `localhost`, RFC 8252 §8.3) on a port the
 * OS picks, that takes exactly one request on its callback path and then closes. It also closes
 * when the sign-in is cancelled and after a time limit, so no port stays open for whoever asks.
 *
 * The browser tab that made the request waits for the app to say how it went (`respond`), and
 * then gets a small, self-contained page — never the code or a token, not cached, no referrer.
 * Node-only (Electron main and the CLI); the core reaches it through `LoopbackFactory`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BrowserSignInError, type LoopbackFactory, type LoopbackListener, type TabOutcome } from '../core/desktop-sign-in';

/** Default time for the person to finish in the browser before the listener gives up. */
export const LOOPBACK_TIMEOUT_MS = 5 * 60_000;
/** How long the tab waits for the app's verdict before it is told something went wrong. */
const RESPOND_TIMEOUT_MS = 60_000;
/** The path of the redirect URI: the one the demo client registered (`http://127.0.0.1/callback`). */
export const CALLBACK_PATH = '/callback';

export interface LoopbackOptions {
  signal?: AbortSignal;
  /** Default `LOOPBACK_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** Default `CALLBACK_PATH`. */
  callbackPath?: string;
  /** Address to bind; default the IPv4 loopback literal (RFC 8252 §8.3). */
  host?: string;
}

const PAGES: Record<TabOutcome, { title: string; message: string }> = {
  'signed-in': { title: 'Signed in', message: 'You’re signed in. You can close this tab and return to Pairgate.' },
  denied: { title: 'Sign-in cancelled', message: 'The sign-in was cancelled or access was denied. You can close this tab and try again in Pairgate.' },
  'state-mismatch': {
    title: 'Sign-in not accepted',
    message: 'This answer does not belong to the sign-in Pairgate started, so it was not accepted. Close this tab and start again in Pairgate.',
  },
  timeout: { title: 'Sign-in timed out', message: 'The sign-in took too long and was stopped. Close this tab and start again in Pairgate.' },
  failed: { title: 'Sign-in failed', message: 'Pairgate could not complete the sign-in. Close this tab and try again in Pairgate.' },
};

/** Response headers of every page: nothing cached, no referrer, nothing loaded or framed. */
export const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  // The request URL carried the code: keep the page (and thus the URL) out of caches.
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  // Anything the page linked to must not learn the URL with the code (RFC 9700 §4.2.4).
  'Referrer-Policy': 'no-referrer',
  // Inline styles only; no scripts, no loads, no framing, no forms.
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  Connection: 'close',
} as const;

export function tabPage(outcome: TabOutcome): string {
  const { title, message } = PAGES[outcome];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — Pairgate</title>
<style>body{font:18px/1.5 system-ui,sans-serif;margin:0;min-height:100vh;display:grid;place-items:center;background:#0b0f14;color:#f2f5f8}main{max-width:32rem;padding:2rem;text-align:center}h1{font-size:1.6rem}</style>
</head><body><main><h1>${title}</h1><p data-outcome="${outcome}">${message}</p></main></body></html>
`;
}

/**
 * Starts the listener. Resolves once it is listening, with its redirect URI
 * (`http://127.0.0.1:<port>/callback`).
 */
export function startLoopback(options: LoopbackOptions = {}): Promise<LoopbackListener> {
  const callbackPath = options.callbackPath ?? CALLBACK_PATH;
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolveStarted, rejectStarted) => {
    let settled = false;
    let pending: ServerResponse | undefined;
    let respondTimer: NodeJS.Timeout | undefined;
    let resolveCallback!: (url: URL) => void;
    let rejectCallback!: (error: unknown) => void;
    const callback = new Promise<URL>((resolve, reject) => {
      resolveCallback = resolve;
      rejectCallback = reject;
    });
    // Nobody may be listening yet when it fails; that must not be an unhandled rejection.
    callback.catch(() => undefined);

    const server = createServer((req, res) => handle(req, res));
    const timer = setTimeout(() => fail(new BrowserSignInError('timeout', 'Nobody finished signing in in the browser in time.')), options.timeoutMs ?? LOOPBACK_TIMEOUT_MS);
    const onAbort = () => fail(new BrowserSignInError('cancelled', 'The sign-in was cancelled.'));

    function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
      if (res.writableEnded) return;
      res.writeHead(status, { ...PAGE_HEADERS, ...headers });
      res.end(body);
    }

    function handle(req: IncomingMessage, res: ServerResponse) {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', `http://${host}`);
      } catch {
        return send(res, 400, 'Bad request', { 'Content-Type': 'text/plain; charset=utf-8' });
      }
      // Anything but the callback (a favicon, a probe) is answered and does not count.
      if (url.pathname !== callbackPath || settled) {
        return send(res, 404, 'Not found', { 'Content-Type': 'text/plain; charset=utf-8' });
      }
      if (req.method !== 'GET') return send(res, 405, 'Method not allowed', { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET' });
      // The one request: stop listening at once; this tab waits for the verdict.
      settled = true;
      pending = res;
      cleanup(false);
      respondTimer = setTimeout(() => respond('failed'), RESPOND_TIMEOUT_MS);
      res.on('close', () => clearTimeout(respondTimer));
      resolveCallback(url);
    }

    function cleanup(closeConnections: boolean) {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      server.close();
      // Browsers keep spare connections open; they must not keep the port alive.
      if (closeConnections) server.closeAllConnections();
      else server.closeIdleConnections();
    }

    function fail(error: BrowserSignInError) {
      if (settled) {
        // The callback has come: a cancel or time-out now only ends a tab still waiting.
        if (pending && !pending.writableEnded) respond(error.reason === 'timeout' ? 'timeout' : 'failed');
        return;
      }
      settled = true;
      cleanup(true);
      rejectCallback(error);
    }

    function respond(outcome: TabOutcome) {
      clearTimeout(respondTimer);
      const res = pending;
      if (!res || res.writableEnded) return;
      send(res, outcome === 'signed-in' ? 200 : 400, tabPage(outcome));
      res.once('finish', () => server.closeAllConnections());
    }

    server.once('error', (error) => {
      cleanup(true);
      rejectStarted(error);
    });
    server.listen(0, host, () => {
      if (options.signal?.aborted) {
        onAbort();
      } else {
        options.signal?.addEventListener('abort', onAbort, { once: true });
      }
      const { port } = server.address() as AddressInfo;
      const hostPart = host.includes(':') ? `[${host}]` : host;
      resolveStarted({
        redirectUri: `http://${hostPart}:${port}${callbackPath}`,
        callback,
        respond,
        close() {
          fail(new BrowserSignInError('cancelled', 'The sign-in was cancelled.'));
          if (pending && !pending.writableEnded) respond('failed');
          server.closeAllConnections();
        },
      });
    });
  });
}

/** `startLoopback` as the core's `LoopbackFactory`. */
export const loopbackFactory: LoopbackFactory = (signal) => startLoopback({ signal });
