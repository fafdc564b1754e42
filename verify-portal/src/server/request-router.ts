/**
 * Where each request goes, decided once on the parsed request target (see request-target.ts):
 * health checks, then the OAuth core and the example API on Node's `http` (the hot path: no
 * Fetch objects, no framework; DESIGN.md), then the portal (forms here, pages in Next.js).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveNode } from '../oauth/http/node-adapter';
import type { OAuthRequest, OAuthResponse } from '../oauth/http/types';
import { isCorePath } from '../oauth/router';
import { isHealthPath, serveHealth, type HealthOptions } from './health';
import { acceptRequestTarget } from './request-target';

type Handle = (req: OAuthRequest) => Promise<OAuthResponse>;

export interface RequestRoutes {
  /** The OAuth core (`provider.handle`). */
  core: Handle;
  /** Framework-free resource servers by path, e.g. the example API (src/api/devices.ts). */
  apis: Readonly<Record<string, Handle>>;
  portal: (req: IncomingMessage, res: ServerResponse, target: URL) => Promise<void>;
  health: HealthOptions;
  trustProxy: boolean;
  /** Where failures that escape a handler go (never to the client). */
  onUnexpected: (err: unknown) => void;
}

export function createRequestRouter(routes: RequestRoutes): (req: IncomingMessage, res: ServerResponse) => void {
  const adapterOptions = { trustProxy: routes.trustProxy };
  return (req, res) => {
    const target = acceptRequestTarget(req, res);
    if (!target) return;
    const { pathname } = target;
    const api = Object.hasOwn(routes.apis, pathname) ? routes.apis[pathname] : undefined;
    let served: Promise<void>;
    if (isHealthPath(pathname)) served = serveHealth(req, res, pathname, routes.health);
    else if (isCorePath(pathname)) served = serveNode(routes.core, req, res, adapterOptions, target);
    else if (api) served = serveNode(api, req, res, adapterOptions, target);
    else served = routes.portal(req, res, target);
    // Each handler answers its own failures; this is the last net, so none becomes an
    // unhandled rejection or a hung request.
    served.catch((err: unknown) => {
      routes.onUnexpected(err);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end();
    });
  };
}
