import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { createDevicesApi, DEVICES_API } from './src/api/devices';
import { grantDemoClientsApiAccess, seedDemo } from './src/admin/demo';
import { ConfigError, readEnv } from './src/env';
import { createInProcessDeviceEvents } from './src/oauth/device-events';
import { createProvider, logUnexpected } from './src/oauth/provider';
import { createDeviceChannel } from './src/oauth/push/device-channel';
import { createPostgresDeviceEvents } from './src/oauth/push/postgres-events';
import { createPortalHandler } from './src/portal/http/serve';
import { portalSessionReader } from './src/portal/oauth-sessions';
import { createPortalLoaders, setPortalLoaders } from './src/portal/loaders';
import { createHttpServer } from './src/server/http-server';
import { createRequestRouter } from './src/server/request-router';
import { createShutdown } from './src/server/shutdown';
import { createUpgradeRouter } from './src/server/upgrade-router';
import { openStore } from './src/store';

const portalDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * The portal: one Node process, one port. Health checks, OAuth endpoints and the example API go
 * straight to their handlers on Node's `http` (the hot path: no Fetch objects, no framework);
 * portal forms to theirs; pages to Next.js; the device channel's WebSocket to ws. Each step
 * below is a module of its own under src/.
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

  // The pages get their data from these loaders, never the store (see src/portal/loaders/bridge.ts); set before Next starts.
  setPortalLoaders(createPortalLoaders({ provider, store, secure: https }));

  // The HTTP server: short timeouts and a per-address connection cap (src/server/defaults.ts).
  const { server } = createHttpServer(env.server);
  const app = next({ dev: env.dev, dir: portalDir, hostname: 'localhost', port: env.port, httpServer: server });
  await app.prepare();

  const lifecycle = createShutdown({
    server,
    graceMs: env.server.shutdownGraceSeconds * 1000,
    closeUpgraded: () => deviceChannel.close(),
    release: async () => {
      provider.close();
      await Promise.allSettled([app.close(), events.close()]);
      await store.close();
    },
    log: (message) => console.log(message),
  });
  server.on(
    'request',
    createRequestRouter({
      core: provider.handle,
      apis: { [DEVICES_API.path]: devicesApi },
      portal: createPortalHandler({ provider, store, https, dev: env.dev, trustProxy: env.trustProxy, handleNext: app.getRequestHandler(), onUnexpected: logUnexpected }),
      health: { store, draining: lifecycle.draining },
      trustProxy: env.trustProxy,
      onUnexpected: logUnexpected,
    }),
  );
  server.on('upgrade', createUpgradeRouter({ deviceChannel, trustProxy: env.trustProxy, dev: env.dev, draining: lifecycle.draining }));

  await new Promise<void>((resolve) => server.listen(env.port, env.host, resolve));
  const where = env.databaseUrl ? 'PostgreSQL' : `SQLite ${path.relative(process.cwd(), env.sqliteFile)}`;
  console.log(`[pairgate] portal ready on ${env.issuer} (port ${env.port}, ${where})`);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void lifecycle.shutdown(signal).finally(() => process.exit(0)));
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`[pairgate] ${err.message}`);
  else console.error(`[pairgate] could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
