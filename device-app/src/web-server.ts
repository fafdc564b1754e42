/**
 * The web host's server: a tiny static server (Node's `http`, no framework) for the built
 * renderer. It serves fixed paths from memory — there is no file-system path to traverse — and
 * nothing secret but the kiosk's own first code: the page talks to the authorization server
 * itself (whose OAuth endpoints answer CORS). The page is made per request: the configuration
 * inlined, and the first code asked for here and rendered into it (`web-first-code.ts`), so it is
 * on screen at first paint. The bundle is sent brotli- or gzip-compressed as the browser accepts.
 *
 * Each screen's device id (`core/device-id.ts`) lives in a cookie of this origin: made at the
 * screen's first visit, read back at every later one — a reload, a restart of the browser or of
 * this host — and given to the page and to the first-code request. A cookie, not a file of the
 * host's: one host may serve several screens (each browser is one), and the first code is asked
 * for before any script of the page has run, so localStorage could not reach it.
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FetchLike } from '@pairgate/shared';
import type { ClientConfig } from './core/client-config';
import { isDeviceId, newDeviceId } from './core/device-id';
import { shownCode } from './core/pairing';
import type { ViewState } from './core/view-state';
import { contentSecurityPolicy, pageBody, pageHead } from './index-html';
import { ENCODINGS, chooseEncoding, type EncodingName } from './web-encoding';
import { firstCodeSource, type EmbeddedFirstCode, type FirstCodeSource } from './web-first-code';

export const defaultRendererDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'renderer');
/** The server render of the first screen, built beside app.js (src/renderer/first-screen.tsx). */
export const FIRST_SCREEN_MODULE = 'first-screen.mjs';
/** The files the build compresses ahead (`.br`, `.gz` beside each). */
export const COMPRESSED_FILES = ['app.js', 'app.css'] as const;
/** The cookie holding the screen's device id. */
export const DEVICE_ID_COOKIE = 'pairgate_device_id';
/**
 * 400 days, the most browsers keep a cookie (RFC 6265bis §5.5 caps Max-Age there); renewed at
 * every page load, so a screen in use keeps its id for good.
 */
const DEVICE_ID_MAX_AGE_SECONDS = 400 * 24 * 3600;

export interface WebServerOptions {
  config: ClientConfig;
  port: number;
  host: string;
  /** The built renderer (app.js, app.css, first-screen.mjs); default device-app/dist/renderer. */
  rendererDir?: string;
  /** How the first code is asked for (tests watch it); default `fetch`. */
  fetch?: FetchLike;
  /** Ask for the first code here and render it into the page (default true). */
  firstCode?: boolean;
  /** Where token-free diagnostics go (default: the console). */
  log?: (line: string) => void;
}

export interface RunningWebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Asset {
  type: string;
  cache: string;
  /** The file as it is, and compressed where the build made it so. */
  bodies: Partial<Record<EncodingName | 'identity', Buffer>>;
}

type RenderFirstScreen = (view: ViewState) => string;

export class NotBuiltError extends Error {
  override readonly name = 'NotBuiltError';
}

function loadAssets(dir: string, config: ClientConfig): Map<string, Asset> {
  const read = (file: string) => {
    try {
      return readFileSync(path.join(dir, file));
    } catch {
      throw new NotBuiltError(`The kiosk is not built (${path.join(dir, file)} is missing): run \`npm run build -w @pairgate/device-app\`.`);
    }
  };
  const file = (name: (typeof COMPRESSED_FILES)[number], type: string): Asset => {
    const bodies: Asset['bodies'] = { identity: read(name) };
    for (const { name: encoding, suffix } of ENCODINGS) {
      if (existsSync(path.join(dir, name + suffix))) bodies[encoding] = read(name + suffix);
    }
    // Revalidated every time: a rebuilt kiosk must not run yesterday's bundle.
    return { type, cache: 'no-cache', bodies };
  };
  return new Map<string, Asset>([
    ['/app.js', file('app.js', 'text/javascript; charset=utf-8')],
    ['/app.css', file('app.css', 'text/css; charset=utf-8')],
    ['/config.json', { type: 'application/json', cache: 'no-store', bodies: { identity: Buffer.from(JSON.stringify(config)) } }],
  ]);
}

async function loadFirstScreen(dir: string): Promise<RenderFirstScreen> {
  const file = path.join(dir, FIRST_SCREEN_MODULE);
  if (!existsSync(file)) throw new NotBuiltError(`The kiosk is not built (${file} is missing): run \`npm run build -w @pairgate/device-app\`.`);
  const module = (await import(pathToFileURL(file).href)) as { renderFirstScreen: RenderFirstScreen };
  return module.renderFirstScreen;
}

/** The screen's device id from its cookie, or a new one when it has none (or not one of ours). */
function deviceIdOf(cookieHeader: string | undefined): string {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, value] = part.split('=', 2).map((s) => s.trim());
    if (name === DEVICE_ID_COOKIE && isDeviceId(value)) return value;
  }
  return newDeviceId();
}

/** The page's body, with the first code when the server gave one in time (else the page asks itself). */
async function firstScreen(firstCode: FirstCodeSource | undefined, deviceId: string, render: RenderFirstScreen, log: (line: string) => void): Promise<string> {
  const first: EmbeddedFirstCode | undefined = await firstCode?.(deviceId);
  if (!first) return pageBody({});
  try {
    const code = shownCode(first.authorization, Date.now() + first.authorization.expires_in * 1000);
    const body = render({ screen: 'pairing', status: 'waiting', code, match: null, failure: null, notice: null });
    return pageBody({ firstCode: first, body });
  } catch (error) {
    log(`could not render the first screen: ${error instanceof Error ? error.name : typeof error}`);
    return pageBody({});
  }
}

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const dir = options.rendererDir ?? defaultRendererDir;
  const assets = loadAssets(dir, options.config);
  const log = options.log ?? ((line: string) => console.log(`[pairgate] ${line}`));
  const firstCode = options.firstCode === false ? undefined : firstCodeSource(options.config, { fetch: options.fetch, log });
  const render = firstCode ? await loadFirstScreen(dir) : () => '';
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
    if (pathname === '/' || pathname === '/index.html') {
      // A HEAD asks for no code and gets no id: nobody will show it.
      if (req.method === 'HEAD') {
        res.writeHead(200, { ...security, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
        return void res.end();
      }
      const deviceId = deviceIdOf(req.headers.cookie);
      // The page holds this screen's code and id: never stored, never reused. The cookie is for
      // this host only (HttpOnly: no script needs it; SameSite=Strict: no other site's request).
      res.writeHead(200, {
        ...security,
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Set-Cookie': `${DEVICE_ID_COOKIE}=${deviceId}; Path=/; Max-Age=${DEVICE_ID_MAX_AGE_SECONDS}; HttpOnly; SameSite=Strict`,
      });
      // The head at once (the browser starts on app.css and app.js), the body once the code is in.
      res.write(pageHead({ config: options.config, deviceId }));
      void firstScreen(firstCode, deviceId, render, log).then((body) => res.end(body));
      return;
    }
    const asset = assets.get(pathname);
    if (!asset) {
      res.writeHead(404, { ...security, 'Content-Type': 'text/plain' }).end('Not found\n');
      return;
    }
    const available = ENCODINGS.map((e) => e.name).filter((name) => asset.bodies[name] !== undefined);
    const encoding = chooseEncoding(req.headers['accept-encoding'], available);
    const body = (encoding && asset.bodies[encoding]) || (asset.bodies.identity as Buffer);
    res.writeHead(200, {
      ...security,
      'Content-Type': asset.type,
      'Content-Length': body.length,
      'Cache-Control': asset.cache,
      ...(available.length > 0 ? { Vary: 'Accept-Encoding' } : {}),
      ...(encoding ? { 'Content-Encoding': encoding } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
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
