/**
 * The one place that owns the RFC 8628 §3.5 polling loop. It drives the request/process steps,
 * keeps the timing rules, and reports a small state machine to whoever shows it (kiosk UI,
 * Electron main, tests). It never throws for protocol or network reasons: `start()` resolves to
 * a terminal state, including `cancelled` when its AbortSignal fires.
 */
import { OAuthError } from '../protocol/errors';
import type { AuthorizationServerMetadata } from '../protocol/metadata';
import type { DeviceAuthorizationResponse, TokenResponse } from '../protocol/responses';
import { parseMatchNumber } from '../push';
import { deviceAuthorizationRequest, processDeviceAuthorizationResponse } from './device-authorization';
import type { FetchLike, OAuthClient, RequestOptions } from './http';
import { sleep as defaultSleep, type Sleep } from './sleep';
import { deviceCodeGrantRequest, processTokenResponse } from './token';
import { isTransient } from './transient';

/** RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default." */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
/** RFC 8628 §3.5: slow_down increases the interval by 5 seconds for this and all later polls. */
export const SLOW_DOWN_INCREMENT_SECONDS = 5;
export const DEFAULT_MAX_BACKOFF_MS = 60_000;
/** setTimeout's limit (2^31-1 ms); longer waits are taken in several sleeps. */
const MAX_SLEEP_MS = 2_147_483_647;

export type DeviceFlowState =
  | { status: 'idle' }
  | { status: 'requesting' }
  | {
      status: 'waiting';
      authorization: DeviceAuthorizationResponse;
      /** When the codes expire, in `now()` milliseconds. */
      expiresAt: number;
      /** Current polling interval in seconds, slow_down increments included. */
      interval: number;
      /** The number to show for number matching, once the server has drawn one (see `match` below). */
      match?: string;
    }
  | {
      /** The server could not be reached or answered 5xx/429; retrying with back-off. */
      status: 'reconnecting';
      authorization: DeviceAuthorizationResponse;
      expiresAt: number;
      interval: number;
      retryInMs: number;
      /** Consecutive failures so far (1 on the first). */
      attempt: number;
      error: Error;
      match?: string;
    }
  | { status: 'approved'; tokens: TokenResponse }
  | { status: 'denied'; error: OAuthError }
  | { status: 'expired' }
  | { status: 'failed'; error: Error }
  | { status: 'cancelled'; reason: unknown };

export type DeviceFlowResult = Extract<DeviceFlowState, { status: 'approved' | 'denied' | 'expired' | 'failed' | 'cancelled' }>;

export type DeviceFlowListener = (state: DeviceFlowState) => void;

export interface DeviceFlowOptions {
  metadata: AuthorizationServerMetadata;
  client: OAuthClient;
  scope?: string;
  /** Shown on the portal's confirm screen (Pairgate extension). */
  deviceName?: string;
  deviceModel?: string;
  /** Sent as `device_id` (Pairgate extension): the random id this device keeps across restarts. */
  deviceId?: string;
  fetch?: FetchLike;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Clock in milliseconds; default `Date.now`. */
  now?: () => number;
  sleep?: Sleep;
  /** Upper bound of the network-error back-off; default 60 s (never less than the interval). */
  maxBackoffMs?: number;
  /**
   * A code already requested (by the server that rendered the page, say): the flow waits on it
   * instead of requesting one. `requestedAt` (in `now()` milliseconds) is when it was asked for,
   * so it expires no later than at the server.
   */
  authorization?: { response: DeviceAuthorizationResponse; requestedAt: number };
}

/** What one failed poll means for the loop. */
type PollOutcome = 'pending' | 'slow_down' | 'denied' | 'expired' | 'transient' | 'fatal';

function classify(error: unknown): PollOutcome {
  if (error instanceof OAuthError) {
    switch (error.error) {
      case 'authorization_pending':
        return 'pending';
      case 'slow_down':
        return 'slow_down';
      case 'access_denied':
        return 'denied';
      case 'expired_token':
        return 'expired';
      default:
        break;
    }
  }
  // An outage, a 5xx or a rate limit: the code may still be approved later.
  return isTransient(error) ? 'transient' : 'fatal';
}

/** Settles with `promise`, or rejects with the abort reason as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    // Always attach both handlers, so a late rejection of `promise` is never unhandled.
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Pairgate's number matching (RFC 10027 "authentication code"): an `authorization_pending`
 * answer may carry `pairgate_match`, the number the person is asked to pick on their phone, for
 * devices that only poll (the push channel sends the same number). Other servers send none.
 */
function matchOf(error: unknown): string | undefined {
  if (!(error instanceof OAuthError) || typeof error.cause !== 'object' || error.cause === null) return undefined;
  return parseMatchNumber((error.cause as Record<string, unknown>).pairgate_match);
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

export class DeviceFlow {
  readonly #options: DeviceFlowOptions;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #listeners = new Set<DeviceFlowListener>();
  #state: DeviceFlowState = { status: 'idle' };
  #started = false;
  /** A `pollNow()` hint not yet acted on. */
  #hinted = false;
  /** Aborts the current sleep, so a hint is acted on at once. */
  #wake: AbortController | undefined;

  constructor(options: DeviceFlowOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? defaultSleep;
  }

  /** The current state; a new object on every change (fits React's useSyncExternalStore). */
  getState(): DeviceFlowState {
    return this.#state;
  }

  /** Calls `listener` on every later state change. Returns the unsubscribe function. */
  subscribe(listener: DeviceFlowListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * A hint that the person has acted (e.g. the push channel said `approved`): poll once, now,
   * instead of at the next scheduled time. Polling stays on its own schedule afterwards: the next
   * regular poll comes a full interval after this one. If a poll is in flight, one more follows
   * as soon as it returns pending. Ignored unless waiting or reconnecting, and dropped by a
   * `slow_down`, which the server means more than any hint.
   */
  pollNow(): void {
    if (this.#state.status !== 'waiting' && this.#state.status !== 'reconnecting') return;
    this.#hinted = true;
    this.#wake?.abort();
  }

  /**
   * Runs the flow to its end. Resolves (never rejects) with the terminal state. Aborting
   * `signal` aborts the in-flight request and the current wait at once, sends nothing more,
   * and resolves `{ status: 'cancelled', reason: signal.reason }`. Call once per instance.
   */
  start(signal: AbortSignal = new AbortController().signal): Promise<DeviceFlowResult> {
    if (this.#started) throw new Error('DeviceFlow.start() may only be called once; create a new DeviceFlow.');
    this.#started = true;
    return this.#run(signal).catch((error: unknown) =>
      this.#finish(signal.aborted ? { status: 'cancelled', reason: signal.reason } : { status: 'failed', error: toError(error) }),
    );
  }

  #set(state: DeviceFlowState): void {
    this.#state = state;
    for (const listener of [...this.#listeners]) {
      try {
        listener(state);
      } catch (error) {
        // A broken listener must not stop the flow; surface it outside the loop instead.
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }

  #finish(state: DeviceFlowResult): DeviceFlowResult {
    this.#hinted = false;
    this.#set(state);
    return state;
  }

  #requestOptions(signal: AbortSignal): RequestOptions {
    const { fetch, headers } = this.#options;
    return { signal, ...(fetch ? { fetch } : {}), ...(headers ? { headers } : {}) };
  }

  /** Sleeps until `target` (clock ms), or until a `pollNow()` hint. Throws if aborted. */
  async #waitUntil(target: number, signal: AbortSignal): Promise<void> {
    while (this.#now() < target) {
      if (this.#hinted) break;
      const wake = new AbortController();
      const onAbort = () => wake.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#wake = wake;
      try {
        await abortable(this.#sleep(Math.min(target - this.#now(), MAX_SLEEP_MS), wake.signal), wake.signal);
      } catch {
        // Woken early, by a hint or by cancellation; both are handled below.
      } finally {
        signal.removeEventListener('abort', onAbort);
        this.#wake = undefined;
      }
      if (signal.aborted) throw signal.reason;
    }
    this.#hinted = false;
  }

  /** RFC 8628 §3.1: asks for a code. */
  async #request(signal: AbortSignal): Promise<{ response: DeviceAuthorizationResponse; requestedAt: number }> {
    this.#set({ status: 'requesting' });
    // Expiry is counted from before the request, so local expiry never falls after the server's.
    const requestedAt = this.#now();
    const response = await abortable(
      deviceAuthorizationRequest(
        this.#options.metadata,
        this.#options.client,
        {
          ...(this.#options.scope === undefined ? {} : { scope: this.#options.scope }),
          ...(this.#options.deviceName === undefined ? {} : { device_name: this.#options.deviceName }),
          ...(this.#options.deviceModel === undefined ? {} : { device_model: this.#options.deviceModel }),
          ...(this.#options.deviceId === undefined ? {} : { device_id: this.#options.deviceId }),
        },
        this.#requestOptions(signal),
      ).then(processDeviceAuthorizationResponse),
      signal,
    );
    return { response, requestedAt };
  }

  async #run(signal: AbortSignal): Promise<DeviceFlowResult> {
    if (signal.aborted) throw signal.reason;
    const { metadata, client } = this.#options;
    const { response: authorization, requestedAt } = this.#options.authorization ?? (await this.#request(signal));
    const expiresAt = requestedAt + authorization.expires_in * 1000;
    // A server may not ask for a hot loop: at least 1 s between polls, whatever it sent.
    let interval = Math.max(authorization.interval ?? DEFAULT_POLL_INTERVAL_SECONDS, 1);
    let attempt = 0;
    /** The number-matching number, once an `authorization_pending` carried one; kept until the flow ends. */
    let match: string | undefined;
    const waiting = (): DeviceFlowState => ({ status: 'waiting', authorization, expiresAt, interval, ...(match === undefined ? {} : { match }) });
    const maxBackoffMs = this.#options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;

    // RFC 8628 §3.5: wait one interval before the first poll too; no one has approved yet.
    let nextPollAt = this.#now() + interval * 1000;
    this.#set(waiting());

    for (;;) {
      // Never poll past expiry: the wait ends at expiry at the latest, and then we stop.
      await this.#waitUntil(Math.min(nextPollAt, expiresAt), signal);
      if (this.#now() >= expiresAt) return this.#finish({ status: 'expired' });

      let error: unknown;
      try {
        const tokens = await abortable(
          deviceCodeGrantRequest(metadata, client, authorization.device_code, this.#requestOptions(signal)).then(processTokenResponse),
          signal,
        );
        return this.#finish({ status: 'approved', tokens });
      } catch (caught) {
        if (signal.aborted) throw signal.reason;
        error = caught;
      }

      // Intervals are counted from the answer, so a slow response never makes the next poll early.
      const outcome = classify(error);
      switch (outcome) {
        case 'slow_down':
          // RFC 8628 §3.5: +5 s for this and every later poll. A pending hint is dropped: polling
          // again at once would only earn another slow_down.
          interval += SLOW_DOWN_INCREMENT_SECONDS;
          this.#hinted = false;
          attempt = 0;
          nextPollAt = this.#now() + interval * 1000;
          this.#set(waiting());
          break;
        case 'pending':
          attempt = 0;
          match = matchOf(error) ?? match;
          nextPollAt = this.#now() + interval * 1000;
          this.#set(waiting());
          break;
        case 'denied':
          return this.#finish({ status: 'denied', error: error as OAuthError });
        case 'expired':
          return this.#finish({ status: 'expired' });
        case 'transient': {
          attempt += 1;
          const retryInMs = backoffDelay(attempt, interval * 1000, maxBackoffMs, expiresAt - this.#now());
          nextPollAt = this.#now() + retryInMs;
          this.#set({ status: 'reconnecting', authorization, expiresAt, interval, retryInMs, attempt, error: toError(error), ...(match === undefined ? {} : { match }) });
          break;
        }
        case 'fatal':
          return this.#finish({ status: 'failed', error: toError(error) });
      }
    }
  }
}

/**
 * Exponential back-off for unreachable or failing servers: one interval, then doubling, capped at
 * `maxBackoffMs` (but never below the interval: RFC 8628 §3.5 asks for at least that much between
 * polls). A retry that would land after expiry is moved to one interval before expiry instead, so
 * the last chance to collect an approval is not slept through; with less than that left, the
 * next wake-up is at expiry and the flow ends as expired.
 */
export function backoffDelay(attempt: number, intervalMs: number, maxBackoffMs: number, remainingMs: number): number {
  const capped = Math.min(intervalMs * 2 ** Math.min(attempt - 1, 30), Math.max(maxBackoffMs, intervalMs));
  if (capped < remainingMs) return capped;
  return Math.max(intervalMs, remainingMs - intervalMs);
}
