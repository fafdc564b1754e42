/**
 * The bridge from the custom server to the pages: `server.ts` builds the store and the OAuth
 * core once and registers them here before Next.js starts; pages read them through
 * `services.ts`. A `globalThis` symbol, because Next.js bundles the pages separately from the
 * modules `server.ts` loaded: module-level state would not be shared, the global object is.
 * This file has no `server-only` marker so the plain Node server can import it.
 */
import type { PortalEnv } from '../env';
import type { Provider } from '../oauth/provider';
import type { Store } from '../store/store';

export interface PortalServices {
  provider: Provider;
  store: Store;
  env: PortalEnv;
}

const KEY = Symbol.for('pairgate.portal.services');

type WithServices = typeof globalThis & { [KEY]?: PortalServices };

export function setPortalServices(services: PortalServices): void {
  (globalThis as WithServices)[KEY] = services;
}

export function getPortalServices(): PortalServices {
  const services = (globalThis as WithServices)[KEY];
  if (!services) throw new Error('portal services are not set: start the portal with server.ts');
  return services;
}
