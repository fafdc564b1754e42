/**
 * Whether the database is known to be away, for the one place that cannot learn it from the
 * error in time: a page. Next.js answers an error thrown while a page renders with its own 500
 * page, and an app-router page cannot pick its status (it can only call `notFound()`,
 * `redirect()` and the experimental `forbidden()`/`unauthorized()`). So the portal asks here
 * before it hands a page to Next — and answers 503 + Retry-After itself while the database is
 * known to be away — and, when Next is about to answer 5xx for a request during which a store
 * call found the database away, sends its 503 page instead (portal/http/unavailable-page.ts).
 *
 * Fed by every call through the watched store: a `StoreUnavailableError` marks the database away
 * (and the request being served, if any), the next call that succeeds marks it back. The stores
 * only answer when asked, so while it is away a readiness check (`Store.checkReady`) runs every
 * `probeIntervalMs` until one passes: pages come back by themselves even when nothing else
 * calls the store.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Store } from '../store/store';
import { isStoreUnavailable } from '../store/unavailable';

export interface StoreAvailability {
  /** False from a store call that found the database away until a call (or a probe) succeeds. */
  available(): boolean;
  /**
   * Runs `serve` as one request; `awayDuringRequest()`, called while it runs, says whether a store
   * call made for it found the database away, or the database is known to be away now.
   */
  inRequest<T>(serve: (awayDuringRequest: () => boolean) => T): T;
}

export interface StoreAvailabilityOptions {
  /** How often, while the database is away, a readiness check looks for it. Default 1 s. */
  probeIntervalMs?: number;
  /** Told of each change (the stores log outages themselves; this is for tests and metrics). */
  onChange?: (available: boolean) => void;
}

/** Per request: whether a store call made while serving it found the database away. */
interface RequestRecord {
  sawAway: boolean;
}

/**
 * Wraps `store` (calls pass through unchanged) and watches what its calls find. Give the watched
 * store to everything that uses the database, so every caller's outcome counts.
 */
export function watchStoreAvailability(store: Store, options: StoreAvailabilityOptions = {}): { store: Store; availability: StoreAvailability } {
  const probeIntervalMs = options.probeIntervalMs ?? 1_000;
  const requests = new AsyncLocalStorage<RequestRecord>();
  let away = false;
  let probeTimer: NodeJS.Timeout | undefined;
  let probing = false;

  const markAway = (): void => {
    const request = requests.getStore();
    if (request) request.sawAway = true;
    if (away) return;
    away = true;
    options.onChange?.(false);
    probeTimer = setInterval(probe, probeIntervalMs);
    // A probe must never keep the process alive (e.g. after a shutdown closed the server).
    probeTimer.unref();
  };

  const markBack = (): void => {
    if (!away) return;
    away = false;
    clearInterval(probeTimer);
    probeTimer = undefined;
    options.onChange?.(true);
  };

  // One at a time: a frozen database answers no probe until its timeouts, and none may pile up.
  function probe(): void {
    if (probing) return;
    probing = true;
    void watchedStore.checkReady().finally(() => (probing = false));
  }

  const watched: Record<string, unknown> = {};
  const watchedStore = watched as unknown as Store;
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function') {
      watched[name] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => Promise<unknown>;
    if (name === 'close') {
      watched[name] = () => {
        clearInterval(probeTimer);
        return method.call(store);
      };
    } else if (name === 'checkReady') {
      // Never throws: its answer is the verdict (a database that answers but cannot be written,
      // e.g. read-only, is not back either: its writes would fail again).
      watched[name] = async () => {
        const readiness = (await method.call(store)) as Awaited<ReturnType<Store['checkReady']>>;
        if (readiness.ready) markBack();
        return readiness;
      };
    } else {
      watched[name] = async (...args: unknown[]) => {
        try {
          const result = await method.apply(store, args);
          markBack();
          return result;
        } catch (err) {
          if (isStoreUnavailable(err)) markAway();
          throw err;
        }
      };
    }
  }

  return {
    store: watchedStore,
    availability: {
      available: () => !away,
      inRequest: (serve) => {
        const record: RequestRecord = { sawAway: false };
        return requests.run(record, () => serve(() => record.sawAway || away));
      },
    },
  };
}
