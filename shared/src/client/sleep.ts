/**
 * Waiting, the one way every client loop does it: a timer that an `AbortSignal` ends early. Loops
 * take a `Sleep` so tests can run ten minutes of polling on a fake clock in milliseconds.
 */

/**
 * Waits `ms` milliseconds. Must settle (resolve or reject, either is fine) soon after `signal`
 * aborts; callers use that to wake early (a push hint, a cancel, a shutdown).
 */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** `setTimeout` as a promise; resolves early (never rejects) when `signal` aborts. */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
