/**
 * The one bridge from the custom server to the pages: `server.ts` registers the loaders once,
 * before Next.js starts; pages read them through `portal/page-request.ts`. A `globalThis`
 * symbol, because Next.js bundles the pages apart from the modules `server.ts` loaded, so a
 * module-level variable would not be shared; the global object is. The pages get loaders
 * (plain data out), never the store or the OAuth core. No `server-only` marker here, so the
 * plain Node server can import it.
 */
import type { PortalLoaders } from './types';

const KEY = Symbol.for('pairgate.portal.loaders');

type WithLoaders = typeof globalThis & { [KEY]?: PortalLoaders };

export function setPortalLoaders(loaders: PortalLoaders): void {
  (globalThis as WithLoaders)[KEY] = loaders;
}

export function portalLoaders(): PortalLoaders {
  const loaders = (globalThis as WithLoaders)[KEY];
  if (!loaders) throw new Error('portal loaders are not set: start the portal with server.ts');
  return loaders;
}
