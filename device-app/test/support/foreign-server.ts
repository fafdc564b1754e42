/**
 * A foreign RFC 8628 server: panva's oidc-provider with its device flow on and its own default
 * pages (devInteractions: any login name and password sign in). It sends no `interval`, so the
 * kiosk must fall back to RFC 8628 §3.2's 5 s. Client `tv-kiosk` gets 10-minute codes;
 * `tv-kiosk-short` gets 12-second ones, to watch codes expire.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The little of oidc-provider's API used here (the package ships no type declarations). */
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => { callback(): http.RequestListener };
/** A variable specifier: TypeScript does not look for declarations the package does not have. */
const OIDC_PROVIDER = 'oidc-provider';

export const SHORT_LIVED_CLIENT = 'tv-kiosk-short';
export const SHORT_CODE_TTL_SECONDS = 12;

export async function startForeignServer(): Promise<{ issuer: string; close(): Promise<void> }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const deviceClient = (client_id: string) => ({
    client_id,
    token_endpoint_auth_method: 'none',
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    response_types: [],
    redirect_uris: [],
  });
  const { default: Provider } = (await import(OIDC_PROVIDER)) as { default: ProviderClass };
  const provider = new Provider(issuer, {
    clients: [deviceClient('tv-kiosk'), deviceClient(SHORT_LIVED_CLIENT)],
    features: {
      deviceFlow: { enabled: true },
      devInteractions: { enabled: true },
      revocation: { enabled: true },
    },
    // The kiosk web page runs on another origin and calls the endpoints with fetch.
    clientBasedCORS: () => true,
    claims: { openid: ['sub'], profile: ['name'] },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub, name: `Foreign ${sub}` }) }),
    ttl: {
      DeviceCode: (_ctx: unknown, _token: unknown, client: { clientId: string }) => (client.clientId === SHORT_LIVED_CLIENT ? SHORT_CODE_TTL_SECONDS : 600),
    },
    cookies: { keys: ['pairgate-test-only-cookie-key'] },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
