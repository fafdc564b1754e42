import { defaults, type ProviderSettings } from '../defaults';
import type { Store } from '../store/store';
import { cachedClients } from './client-cache';
import type { CoreContext } from './context';
import { approve, deny, lookupUserCode, type DecisionResult } from './device-decisions';
import { createInProcessDeviceEvents, type DeviceEvents } from './device-events';
import type { OAuthRequest, OAuthResponse } from './http/types';
import { route } from './router';
import { createKeyRing, type KeyRing } from './tokens/keys';

export interface ProviderOptions {
  store: Store;
  /** Public base URL, no trailing slash. */
  issuer: string;
  settings?: Partial<ProviderSettings>;
  events?: DeviceEvents;
  now?: () => number;
  /** Where unexpected errors go (they never reach the client). Default: console.error of the message only. */
  onUnexpectedError?: (err: unknown) => void;
}

export interface Provider {
  readonly context: CoreContext;
  readonly keys: KeyRing;
  /** Serves one OAuth request (see `http/node-adapter.ts` and `http/fetch-adapter.ts`). */
  handle(req: OAuthRequest): Promise<OAuthResponse>;
  lookupUserCode(typed: string): Promise<DecisionResult>;
  approve(userCode: string, userId: string): Promise<DecisionResult>;
  deny(userCode: string): Promise<DecisionResult>;
  /** Stops background work (the purge timer). Does not close the store. */
  close(): void;
}

/** Builds the authorization server core on a migrated store. */
export function createProvider(options: ProviderOptions): Provider {
  const now = options.now ?? Date.now;
  const settings: ProviderSettings = { ...defaults, ...options.settings };
  const keys = createKeyRing(options.store, settings.keyCacheSeconds, now);
  const context: CoreContext = {
    store: options.store,
    clients: cachedClients(options.store, settings.clientCacheSeconds * 1000, now),
    issuer: options.issuer.replace(/\/$/, ''),
    settings,
    keys,
    events: options.events ?? createInProcessDeviceEvents(),
    now,
  };
  const onUnexpected = options.onUnexpectedError ?? logUnexpected;

  // Expired device codes and refresh tokens are dead weight; sweep them now and then.
  const purge = setInterval(() => {
    context.store.purgeExpired(now(), settings.expiredCodeGraceSeconds * 1000).catch(onUnexpected);
  }, 10 * 60 * 1000);
  purge.unref();

  return {
    context,
    keys,
    handle: (req) => route(context, req, onUnexpected),
    lookupUserCode: (typed) => lookupUserCode(context, typed),
    approve: (userCode, userId) => approve(context, userCode, userId),
    deny: (userCode) => deny(context, userCode),
    close: () => clearInterval(purge),
  };
}

/** Logs the error's name and message only: a stack or request could carry a secret. */
export function logUnexpected(err: unknown): void {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  console.error(`[pairgate] unexpected error: ${text}`);
}
