import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { createDevicesApi, DEVICES_API } from './src/api/devices';
import { ConfigError, readEnv } from './src/env';
import { createInProcessDeviceEvents } from './src/oauth/device-events';
import { clientAddressOf } from './src/oauth/http/node-adapter';
import { createProvider } from './src/oauth/provider';
import { createDeviceChannel } from './src/oauth/push/device-channel';
import { createPostgresDeviceEvents } from './src/oauth/push/postgres-events';
import { observeRequests, observeUpgrades } from './src/observability/access-log';
import { logger, logUnexpected } from './src/observability/logger';
import { startMetricsListener } from './src/observability/metrics-server';
import { createPortalMetrics } from './src/observability/portal-metrics';
import { createPortalHandler } from './src/portal/http/serve';
import { portalSessionReader } from './src/portal/oauth-sessions';
import { createPortalLoaders, setPortalLoaders } from './src/portal/loaders';
import { createHttpServer, listen } from './src/server/http-server';
import { createRequestRouter } from './src/server/request-router';
import { createShutdown } from './src/server/shutdown';
import { prepareStartingData } from './src/server/starting-data';
import { watchStoreAvailability } from './src/server/store-availability';
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
  // Structured JSON lines on stdout, secrets scrubbed (src/observability/logger.ts).
  logger.level = env.logLevel;
  if (!env.dev && !existsSync(path.join(portalDir, '.next', 'BUILD_ID'))) {
    throw new ConfigError('The portal pages are not built yet: run `npm run build` (root `npm start` does it for you).');
  }

  // Every user of the database gets the watched store, so pages know when it is away (src/server/store-availability.ts).
  const { store, availability } = watchStoreAvailability(openStore(env.databaseUrl, env.sqliteFile));
  await store.migrate();
  // The demo (public password) only when PAIRGATE_SEED_DEMO asks; else an empty database says how to add a user.
  await prepareStartingData(store, { seedDemo: env.seedDemo, log: logger });
  // Several instances share PostgreSQL, so device events travel through it; SQLite is one instance.
  const events = env.databaseUrl ? await createPostgresDeviceEvents(env.databaseUrl, logUnexpected) : createInProcessDeviceEvents();
  const https = env.issuer.startsWith('https:');
  // Counted only when someone scrapes them (PAIRGATE_METRICS_PORT): see src/observability/portal-metrics.ts.
  const metrics = env.metrics ? createPortalMetrics() : undefined;
  // The authorization endpoint reads the portal's sign-in session through this (the core never imports the portal).
  const provider = createProvider({
    store,
    issuer: env.issuer,
    settings: { pollIntervalSeconds: env.pollIntervalSeconds },
    events,
    sessions: portalSessionReader(store, https),
    apiScopes: [DEVICES_API.scope],
    keyEncryption: env.keyEncryption,
    metrics: metrics?.deviceFlow,
  });
  if (!env.keyEncryption.current) logger.warn('PAIRGATE_KEY_ENCRYPTION_KEY is not set: signing keys are stored unencrypted (fine for a demo; see README, "Deploying").');
  await provider.keys.signingKey(); // the first start makes the signing key; a wrong PAIRGATE_KEY_ENCRYPTION_KEY stops here
  const deviceChannel = createDeviceChannel(provider.context);
  metrics?.countPushChannels(() => deviceChannel.connectionCount());
  // The example protected API (see src/api/devices.ts), checked against this issuer's own keys.
  const devicesApi = createDevicesApi({ store, issuer: provider.context.issuer, jwks: () => provider.keys.jwks(), onUnexpected: logUnexpected });

  // The pages get their data from these loaders, never the store (see src/portal/loaders/bridge.ts); set before Next starts.
  setPortalLoaders(createPortalLoaders({ provider, store, secure: https }));

  // The HTTP server: short timeouts and a per-address connection cap (src/server/defaults.ts).
  const { server } = createHttpServer(env.server);
  const app = next({ dev: env.dev, dir: portalDir, hostname: 'localhost', port: env.port, httpServer: server });
  await app.prepare();

  // GET /metrics on a listener of its own, never on the public port (src/observability/metrics-server.ts).
  const metricsListener = metrics && env.metrics ? await startMetricsListener(metrics.registry, env.metrics) : undefined;
  if (metricsListener && env.metrics) logger.info(`metrics on http://${env.metrics.host}:${metricsListener.port}/metrics`);

  const lifecycle = createShutdown({
    server,
    graceMs: env.server.shutdownGraceSeconds * 1000,
    closeUpgraded: () => deviceChannel.close(),
    release: async () => {
      provider.close();
      metrics?.close();
      await Promise.allSettled([app.close(), events.close(), metricsListener?.close()]);
      await store.close();
    },
    log: (message) => logger.info(message),
  });
  // Every request and upgrade: a request id on its log lines, one access-log line, HTTP metrics.
  const observe = { logger, metrics: metrics?.http, clientAddress: (req: IncomingMessage) => clientAddressOf(req, env.trustProxy) };
  server.on(
    'request',
    observeRequests(
      createRequestRouter({
        core: provider.handle,
        apis: { [DEVICES_API.path]: devicesApi },
        portal: createPortalHandler({ provider, store, https, dev: env.dev, trustProxy: env.trustProxy, availability, handleNext: app.getRequestHandler(), onUnexpected: logUnexpected }),
        health: { store, draining: lifecycle.draining },
        trustProxy: env.trustProxy,
        onUnexpected: logUnexpected,
      }),
      observe,
    ),
  );
  server.on('upgrade', observeUpgrades(createUpgradeRouter({ deviceChannel, trustProxy: env.trustProxy, dev: env.dev, draining: lifecycle.draining }), observe));

  await listen(server, env.port, env.host);
  const where = env.databaseUrl ? 'PostgreSQL' : `SQLite ${path.relative(process.cwd(), env.sqliteFile)}`;
  // Plain text, not a log line: `npm start` and the tests wait for exactly this.
  console.log(`[pairgate] portal ready on ${env.issuer} (port ${env.port}, ${where})`);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void lifecycle.shutdown(signal).finally(() => process.exit(0)));
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) logger.fatal(err.message);
  else logger.fatal({ err }, 'could not start');
  process.exit(err instanceof ConfigError ? 2 : 1);
});
