/**
 * Sign-outs the server has not heard of yet. "Sign out" forgets the session on this device at
 * once and hands its refresh token here; this queue revokes it (RFC 7009 §2.1: revoking the
 * refresh token ends the grant's other tokens where the server supports that), and while the
 * server cannot be reached it keeps the token — in the vault, so a restart does not lose it —
 * and tries again with back-off, until the server has been told or the token has expired by
 * itself. A sign-out is never left half done just because the network was down at the time.
 */
import { backoffDelay, isTransient, processRevocationResponse, revocationRequest, type Sleep } from '@pairgate/shared';
import type { Connection } from './connection';
import { Cancelled, describeError, type Log } from './diagnostics';
import type { PendingRevocation, TokenVault } from './vault';

/** One try must not hang on a dead network: the next one comes after the back-off. */
const REVOCATION_TIMEOUT_MS = 10_000;
/** Retries from 5 s up to 5 minutes apart, like a failing refresh. */
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;
/**
 * How long a queued refresh token is worth revoking. RFC 6749 gives clients no way to learn a
 * refresh token's lifetime; 30 days is Pairgate's (`refreshTokenTtlSeconds`, counted from the
 * last rotation — this token's last use) and a common one elsewhere. After it the token is dead
 * at the server anyway.
 */
export const REVOCATION_RETRY_FOR_MS = 30 * 24 * 3600 * 1000;

export interface RevocationQueueDeps {
  connection: Connection;
  vault: TokenVault;
  now: () => number;
  sleep: Sleep;
  log: Log;
  /** Whether sign-outs are still waiting for the server after a try that failed (the screen says so). */
  waitingChanged(waiting: boolean): void;
}

/** What one try came to: told (or nothing to tell), or try again later. */
type Outcome = 'done' | 'retry';

/** setTimeout's limit: "until something is added" is a wait this long, taken again if need be. */
const MAX_WAIT_MS = 2_147_483_647;

export class RevocationQueue {
  readonly #deps: RevocationQueueDeps;
  #pending: PendingRevocation[] = [];
  /** Ends the queue's current wait (a new sign-out is to be tried at once). */
  #wake: (() => void) | undefined;
  /** A sign-out was added while a round of tries was under way: go again at once. */
  #added = false;
  #waiting = false;
  /** The vault's list, read once before anything is added or tried. */
  readonly #loaded: Promise<void>;

  constructor(deps: RevocationQueueDeps) {
    this.#deps = deps;
    this.#loaded = deps.vault
      .loadRevocations()
      .then((stored) => {
        this.#pending = [...stored, ...this.#pending];
      })
      .catch((error: unknown) => deps.log(`could not read the queued sign-outs: ${describeError(error)}`));
  }

  /** Queues a sign-out (kept in the vault before anything else) and has it tried at once. */
  async add(refreshToken: string): Promise<void> {
    await this.#loaded;
    this.#pending.push({ refreshToken, until: this.#deps.now() + REVOCATION_RETRY_FOR_MS });
    await this.#persist();
    this.#added = true;
    this.#wake?.();
  }

  /** Works through the queue until `signal` aborts: at once when something is added, then with back-off while the server is away. */
  async run(signal: AbortSignal): Promise<void> {
    await this.#loaded;
    let failures = 0;
    while (!signal.aborted) {
      this.#added = false;
      const now = this.#deps.now();
      const expired = this.#pending.filter((p) => p.until <= now);
      const before = this.#pending.length;
      for (const pending of [...this.#pending]) {
        if (expired.includes(pending) || (await this.#revoke(pending.refreshToken, signal)) === 'done') this.#pending = this.#pending.filter((p) => p !== pending);
        if (signal.aborted) return;
      }
      if (expired.length > 0) this.#deps.log(`${expired.length} queued sign-out(s) expired before the server could be told`);
      if (this.#pending.length !== before) await this.#persist();
      if (this.#added) continue;
      failures = this.#pending.length === 0 ? 0 : failures + 1;
      this.#setWaiting(failures > 0);
      await this.#wait(failures === 0 ? MAX_WAIT_MS : backoffDelay(failures, RETRY_BASE_MS, RETRY_MAX_MS, Infinity), signal);
    }
  }

  async #revoke(refreshToken: string, signal: AbortSignal): Promise<Outcome> {
    const attempt = new AbortController();
    const stop = () => attempt.abort(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(() => attempt.abort(new Cancelled('revocation timed out')), REVOCATION_TIMEOUT_MS);
    try {
      const metadata = await this.#deps.connection.discover(attempt.signal);
      // A server without a revocation endpoint cannot be told: the token lives until it expires.
      if (!metadata.revocation_endpoint) return 'done';
      const options = this.#deps.connection.requestOptions(attempt.signal);
      await processRevocationResponse(await revocationRequest(metadata, this.#deps.connection.client, refreshToken, 'refresh_token', options));
      return 'done';
    } catch (error) {
      if (signal.aborted) return 'retry';
      this.#deps.log(`revocation failed: ${describeError(error)}`);
      // A refusal (RFC 7009 §2.2.1, or a server that cannot revoke) will not change on a retry.
      return isTransient(error) || attempt.signal.aborted ? 'retry' : 'done';
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
    }
  }

  /** Sleeps `ms`, or until `signal` aborts or a sign-out is added. */
  async #wait(ms: number, signal: AbortSignal): Promise<void> {
    const wake = new AbortController();
    const stop = () => wake.abort();
    signal.addEventListener('abort', stop, { once: true });
    this.#wake = stop;
    try {
      await this.#deps.sleep(ms, wake.signal);
    } finally {
      signal.removeEventListener('abort', stop);
      this.#wake = undefined;
    }
  }

  async #persist(): Promise<void> {
    try {
      const result = await this.#deps.vault.saveRevocations(this.#pending);
      if (!result.stored && this.#pending.length > 0) this.#deps.log('the queued sign-out is kept in memory only (no secure storage)');
    } catch (error) {
      this.#deps.log(`could not save the queued sign-outs: ${describeError(error)}`);
    }
  }

  #setWaiting(waiting: boolean): void {
    if (this.#waiting === waiting) return;
    this.#waiting = waiting;
    this.#deps.waitingChanged(waiting);
  }
}
