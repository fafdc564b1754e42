/**
 * The baseline: panva's oidc-provider with the device flow on, its in-memory adapter, and the
 * same public client `tv-kiosk`. run.ts starts it pinned to the server core.
 *
 * Env: PORT (required), HOST (default 127.0.0.1). Prints `baseline ready on <issuer>` when
 * listening; everything oidc-provider logs (development-only warnings) is silenced.
 *
 * One deliberate change: the stock in-memory adapter keeps at most ~1000 entries in its LRU,
 * fewer than the pending device codes the poll scenario needs (they would be evicted and
 * answered `invalid_grant`). The same adapter class runs here on a larger LRU.
 */
import http from 'node:http';
import { CLIENT_ID, DEVICE_CODE_GRANT } from './common';
import { profileOnSignal } from './profiler';

// oidc-provider has no type declarations; these are the parts used here.
interface ProviderInstance {
  callback(): http.RequestListener;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
type ProviderCtor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;
type AdapterCtor = new (model: string, store: unknown, clockTolerance: number) => unknown;
type LruCtor = new (opts: { maxSize: number }) => unknown;

// Silence oidc-provider's development notices before it loads.
const quiet = (): void => {};
console.warn = quiet;
console.info = quiet;
console.log = quiet;

async function importAny<T>(specifier: string): Promise<T> {
  return ((await import(specifier)) as { default: T }).default;
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('PORT must be set');
  const host = process.env.HOST || '127.0.0.1';
  const issuer = `http://${host}:${port}`;

  const Provider = await importAny<ProviderCtor>('oidc-provider');
  const MemoryAdapter = await importAny<AdapterCtor>('oidc-provider/lib/adapters/memory_adapter.js');
  const LRU = await importAny<LruCtor>('oidc-provider/lib/helpers/lru.js');
  const storage = new LRU({ maxSize: 10_000_000 });

  const provider = new Provider(issuer, {
    adapter: (model: string) => new MemoryAdapter(model, storage, 0),
    clients: [
      {
        client_id: CLIENT_ID,
        grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'none',
      },
    ],
    scopes: ['openid', 'profile', 'offline_access'],
    claims: { openid: ['sub'], profile: ['name'] },
    features: { deviceFlow: { enabled: true }, devInteractions: { enabled: false } },
    cookies: { keys: ['pairgate-bench-baseline-cookie-key'] },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
  });
  let serverErrors = 0;
  provider.on('server_error', () => {
    serverErrors++;
  });

  profileOnSignal();
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  process.stdout.write(`baseline ready on ${issuer}\n`);

  const shutdown = (): void => {
    if (serverErrors > 0) process.stderr.write(`[baseline] ${serverErrors} server errors\n`);
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`[baseline] could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
