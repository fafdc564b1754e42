/**
 * The web host's server: a tiny static server (Node's `http`, no framework) for the built
 * renderer, with the kiosk configuration inlined in the page and at `/config.json`. It serves
 * four fixed paths from memory — there is no file-system path to traverse — and nothing secret:
 * the page talks to the authorization server itself (whose OAuth endpoints answer CORS).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientConfig } from './core/client-config';
import { contentSecurityPolicy, indexHtml } from './index-html';

export const defaultRendererDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'renderer');

export interface WebServerOptions {
  config: ClientConfig;
  port: number;
  host: string;
  /** The built renderer (app.js, app.css); default device-app/dist/renderer. */
  rendererDir?: string;
}

export interface RunningWebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Asset {
  body: Buffer;
  type: string;
  cache: string;
}

export class NotBuiltError extends Error {
  override readonly name = 'NotBuiltError';
}

function loadAssets(options: WebServerOptions): Map<string, Asset> {
  const dir = options.rendererDir ?? defaultRendererDir;
  const read = (file: string) => {
    try {
      return readFileSync(path.join(dir, file));
    } catch {
      throw new NotBuiltError(`The kiosk is not built (${path.join(dir, file)} is missing): run \`npm run build -w @pairgate/device-app\`.`);
    }
  };
  const html = Buffer.from(indexHtml({ config: options.config }));
  const noStore = 'no-store';
  return new Map<string, Asset>([
    ['/', { body: html, type: 'text/html; charset=utf-8', cache: noStore }],
    ['/index.html', { body: html, type: 'text/html; charset=utf-8', cache: noStore }],
    ['/app.js', { body: read('app.js'), type: 'text/javascript; charset=utf-8', cache: 'no-cache' }],
    ['/app.css', { body: read('app.css'), type: 'text/css; charset=utf-8', cache: 'no-cache' }],
    ['/config.json', { body: Buffer.from(JSON.stringify(options.config)), type: 'application/json', cache: noStore }],
  ]);
}

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const assets = loadAssets(options);
  // The page may call only its own server and the authorization server (discovery, device code,
  // token, revocation, userinfo, JWKS — all on the issuer's origin for Pairgate and most servers).
  // The push channel (when the server advertises one) is a WebSocket to the issuer's host.
  const issuer = new URL(options.config.issuer);
  const socketOrigin = `${issuer.protocol === 'https:' ? 'wss:' : 'ws:'}//${issuer.host}`;
  // A devices API configured on another origin (README "Calling an API") is called from here too.
  const api = options.config.devicesApi && options.config.devicesApi !== 'off' ? new URL(options.config.devicesApi).origin : issuer.origin;
  const connect = ["'self'", issuer.origin, ...(api === issuer.origin ? [] : [api]), socketOrigin];
  const csp = `${contentSecurityPolicy(connect)}; frame-ancestors 'none'`;
  const security = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  };

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...security, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('Method not allowed\n');
      return;
    }
    const asset = assets.get(pathname);
    if (!asset) {
      res.writeHead(404, { ...security, 'Content-Type': 'text/plain' }).end('Not found\n');
      return;
    }
    res.writeHead(200, { ...security, 'Content-Type': asset.type, 'Content-Length': asset.body.length, 'Cache-Control': asset.cache });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? 'localhost' : options.host;
  return {
    url: `http://${hostForUrl}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
