import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { createDevicesApi, DEVICES_API } from './src/api/devices';
import { grantDemoClientsApiAccess, seedDemo } from './src/admin/demo';
import { ConfigError, readEnv } from './src/env';
import { createInProcessDeviceEvents } from './src/oauth/device-events';
import { clientAddressOf, serveNode } from './src/oauth/http/node-adapter';
import { createProvider, logUnexpected } from './src/oauth/provider';
import { createDeviceChannel, DEVICE_EVENTS_PATH } from './src/oauth/push/device-channel';
import { createPostgresDeviceEvents } from './src/oauth/push/postgres-events';
import { isCorePath } from './src/oauth/router';
import { authorizationFormTargets } from './src/portal/http/form-targets';
import { isFormPost, preparePortalRequest, serveForm } from './src/portal/http/serve';
import { portalSessionReader } from './src/portal/oauth-sessions';
import { setPortalServices } from './src/portal/services-registry';
import { openStore } from './src/store';

const portalDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * The portal: one Node process, one port. OAuth endpoints go straight to the core on Node's
 * `http` (the hot path: no Fetch objects, no framework); everything else is Next.js.
 */
async function main(): Promise<void> {
  const env = readEnv();
  if (!env.dev && !existsSync(path.join(portalDir, '.next', 'BUILD_ID'))) {
    throw new ConfigError('The portal pages are not built yet: run `npm run build` (root `npm start` does it for you).');
  }

  const store = openStore(env.databaseUrl, env.sqliteFile);
  await store.migrate();
  if ((await store.countUsers()) === 0) {
    await seedDemo(store);
    console.log('[pairgate] empty database: seeded the demo user demo@example.com and the clients tv-kiosk and desktop-app');
  } else {
    // Databases seeded before the example API existed: the demo clients may call it too.
    await grantDemoClientsApiAccess(store);
  }
  // Several instances share PostgreSQL, so device events travel through it; SQLite is one instance.
  const events = env.databaseUrl ? await createPostgresDeviceEvents(env.databaseUrl, logUnexpected) : createInProcessDeviceEvents();
  const https = env.issuer.startsWith('https:');
  // The authorization endpoint reads the portal's sign-in session through this (the core never imports the portal).
  const provider = createProvider({ store, issuer: env.issuer, events, sessions: portalSessionReader(store, https), apiScopes: [DEVICES_API.scope], keyEncryption: env.keyEncryption });
  if (!env.keyEncryption.current) console.warn('[pairgate] PAIRGATE_KEY_ENCRYPTION_KEY is not set: signing keys are stored unencrypted (fine for a demo; see README, "Deploying").');
  await provider.keys.signingKey(); // the first start makes the signing key; a wrong PAIRGATE_KEY_ENCRYPTION_KEY stops here
  const deviceChannel = createDeviceChannel(provider.context);
  // The example protected API (see src/api/devices.ts), checked against this issuer's own keys.
  const devicesApi = createDevicesApi({ store, issuer: provider.context.issuer, jwks: () => provider.keys.jwks(), onUnexpected: logUnexpected });

  // The pages reach the core through this bridge (see src/portal/services.ts); set before Next starts.
  setPortalServices({ provider, store, env });

  const server = http.createServer();
  const app = next({ dev: env.dev, dir: portalDir, hostname: 'localhost', port: env.port, httpServer: server });
  await app.prepare();
  const handleNext = app.getRequestHandler();

  server.on('request', (req, res) => {
    const pathname = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (isCorePath(pathname)) {
      void serveNode(provider.handle, req, res, { trustProxy: env.trustProxy });
      return;
    }
    if (pathname === DEVICES_API.path) {
      // Framework-free like the OAuth core: a resource server, not a page.
      void serveNode(devicesApi, req, res, { trustProxy: env.trustProxy });
      return;
    }
    void servePortal(req, res, pathname);
  });

  async function servePortal(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> {
    // The sign-in and consent pages of an authorization request may send their form on to the
    // app's (checked) redirect URI: their CSP form-action says so (see form-targets.ts).
    let formTargets: string[] = [];
    if (req.method === 'GET' && (pathname === '/login' || pathname === '/consent')) {
      const search = new URL(req.url ?? '/', 'http://internal').searchParams;
      formTargets = await authorizationFormTargets({ provider, store, secure: https }, pathname, search, req.headers.cookie, Date.now()).catch((err: unknown) => {
        logUnexpected(err);
        return [];
      });
    }
    // Portal: security headers, CSP nonce and the trusted client address on every response.
    const prepared = preparePortalRequest(req, res, { https, dev: env.dev, trustProxy: env.trustProxy, formTargets });
    if (isFormPost(req)) {
      // Form POSTs are handled here (framework-free, our status codes), never by Next.js.
      void serveForm({ store, provider, secure: https }, req, res, prepared, logUnexpected);
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      // The pages use no server actions: nothing else may change state.
      req.resume();
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method not allowed.');
    } else {
      handleNext(req, res).catch((err: unknown) => {
        logUnexpected(err);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('Something went wrong on our side. Please try again.');
      });
    }
  }

  // Next attaches its own `upgrade` listener (dev HMR at /_next/hmr). Leave that to Next,
  // and destroy every other upgrade nobody serves.
  server.on('upgrade', (req, socket, head) => {
    const pathname = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (env.dev && pathname.startsWith('/_next/')) return;
    if (pathname === DEVICE_EVENTS_PATH) {
      deviceChannel.handleUpgrade(req, socket, head, clientAddressOf(req, env.trustProxy));
      return;
    }
    socket.destroy();
  });

  await new Promise<void>((resolve) => server.listen(env.port, env.host, resolve));
  const where = env.databaseUrl ? 'PostgreSQL' : `SQLite ${path.relative(process.cwd(), env.sqliteFile)}`;
  console.log(`[pairgate] portal ready on ${env.issuer} (port ${env.port}, ${where})`);

  const shutdown = () => {
    provider.close();
    deviceChannel.close();
    server.close();
    server.closeAllConnections();
    void Promise.allSettled([app.close(), events.close()]).finally(() => store.close().finally(() => process.exit(0)));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`[pairgate] ${err.message}`);
  else console.error(`[pairgate] could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
