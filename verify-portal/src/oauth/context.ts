import type { ProviderSettings } from '../defaults';
import type { DeviceFlowMetrics } from '../observability/device-flow-metrics';
import type { Store } from '../store/store';
import type { ClientLookup } from './client-cache';
import type { SessionReader } from './authorization/sessions';
import type { DeviceEvents } from './device-events';
import type { KeyRing } from './tokens/keys';

/**
 * What every endpoint needs, and nothing else: storage, the public issuer URL, the settings, the
 * signing keys, the clock (injectable for tests), cached client look-ups and the device event bus.
 */
export interface CoreContext {
  readonly store: Store;
  /** Client look-ups for the hot endpoints, cached briefly (see client-cache.ts). */
  readonly clients: ClientLookup;
  readonly issuer: string;
  readonly settings: Readonly<ProviderSettings>;
  readonly keys: KeyRing;
  readonly events: DeviceEvents;
  readonly sessions: SessionReader;
  /** Scopes of the APIs this server issues tokens for (discovery's scopes_supported lists them). */
  readonly apiScopes: readonly string[];
  /** Device-code outcomes and approval → token time, for `/metrics` (a no-op unless someone counts). */
  readonly metrics: DeviceFlowMetrics;
  now(): number;
}

export function endpointUrls(issuer: string) {
  return {
    authorization: `${issuer}/oauth/authorize`,
    token: `${issuer}/oauth/token`,
    deviceAuthorization: `${issuer}/oauth/device/code`,
    revocation: `${issuer}/oauth/revoke`,
    introspection: `${issuer}/oauth/introspect`,
    userinfo: `${issuer}/userinfo`,
    jwks: `${issuer}/.well-known/jwks.json`,
    verification: `${issuer}/activate`,
  } as const;
}

/**
 * Portal pages the authorization endpoint sends the browser to. Relative, same-site paths: the
 * portal and the core share one origin.
 */
export const interactionPaths = {
  login: '/login',
  consent: '/consent',
} as const;
