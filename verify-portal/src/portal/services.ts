import 'server-only';
import { getPortalServices, type PortalServices } from './services-registry';

export type { PortalServices } from './services-registry';

/** The store, the OAuth core and the environment, as the custom server set them up. */
export function portalServices(): PortalServices {
  return getPortalServices();
}

/** The portal's cookies are `Secure` (and `__Host-`) when the public issuer is https. */
export function secureCookies(): boolean {
  return getPortalServices().env.issuer.startsWith('https:');
}
