import { isStoreUnavailable } from '../store/unavailable';

export interface PurgeLoop {
  stop(): void;
}

/**
 * Runs `purge` every `intervalMs`, off the request path: never two at once (a purge still
 * running when the next one is due makes that one skip), a database that is away is left to the
 * store's own outage log (the next round tries again), anything else goes to `onError`.
 */
export function startPurgeLoop(purge: () => Promise<unknown>, intervalMs: number, onError: (err: unknown) => void): PurgeLoop {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    purge()
      .catch((err: unknown) => {
        if (!isStoreUnavailable(err)) onError(err);
      })
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
