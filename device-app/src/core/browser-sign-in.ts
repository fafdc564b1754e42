/**
 * Desktop mode's "Sign in with your browser" screen: one attempt at a time of the browser step
 * (`desktop-sign-in.ts`: Authorization Code + PKCE with a loopback redirect, RFC 8252), Cancel
 * while waiting for the browser, and what went wrong as a category the screen can word. The
 * renderer only ever learns the status; the URL, code and tokens stay here.
 */
import { isTransient, type AuthorizationServerMetadata, type IdTokenClaims, type TokenResponse } from '@pairgate/shared';
import type { Connection } from './connection';
import { BrowserSignInError, signInWithBrowser, type BrowserHost } from './desktop-sign-in';
import { Cancelled, describeError, type Log } from './diagnostics';
import type { Identities } from './identity';
import type { BrowserFailure, BrowserSignInStatus } from './view-state';

/** What the browser sign-in screen shows (the controller adds the notice). */
export interface BrowserSignInShown {
  status: BrowserSignInStatus;
  failure: BrowserFailure | null;
}

export interface BrowserSignInDeps {
  connection: Connection;
  host: BrowserHost;
  identities: Identities;
  /** The scope to ask for (it depends on discovery: see the devices list). */
  scope(): string;
  show(shown: BrowserSignInShown): void;
  /** Takes the sign-in; throws when it cannot be accepted. `claims`: the ID token, verified with its nonce. */
  accept(tokens: TokenResponse, metadata: AuthorizationServerMetadata, signal: AbortSignal, claims: IdTokenClaims | undefined): Promise<void>;
  log: Log;
}

function failureOf(error: unknown): BrowserFailure {
  // (A cancelled attempt never gets here: it goes back to the ready screen.)
  if (error instanceof BrowserSignInError) return error.reason === 'cancelled' ? 'browser-failed' : error.reason;
  if (isTransient(error)) return 'unreachable';
  return 'id-token-invalid';
}

export class BrowserSignIn {
  readonly #deps: BrowserSignInDeps;
  #shown: BrowserSignInShown = { status: 'ready', failure: null };
  /** The attempt under way, if any (aborted by Cancel). */
  #attempt: AbortController | undefined;

  constructor(deps: BrowserSignInDeps) {
    this.#deps = deps;
  }

  /** The screen with its button. */
  ready(): void {
    this.#shown = { status: 'ready', failure: null };
    this.#deps.show(this.#shown);
  }

  /** "Sign in with your browser" (and "Try again"): only from the ready or failed screen. */
  start(phase: AbortSignal): void {
    const { status } = this.#shown;
    if (status !== 'ready' && status !== 'failed') return;
    const attempt = new AbortController();
    const onPhaseEnd = () => attempt.abort(phase.reason);
    phase.addEventListener('abort', onPhaseEnd, { once: true });
    this.#attempt = attempt;
    this.#show({ status: 'starting', failure: null });
    this.#run(attempt.signal)
      .catch((error: unknown) => {
        if (phase.aborted) return;
        if (attempt.signal.aborted || (error instanceof BrowserSignInError && error.reason === 'cancelled')) {
          this.#show({ status: 'ready', failure: null });
          return;
        }
        const failure = failureOf(error);
        this.#deps.log(`browser sign-in failed: ${failure} (${describeError(error instanceof BrowserSignInError && error.cause !== undefined ? error.cause : error)})`);
        this.#show({ status: 'failed', failure });
      })
      .finally(() => {
        phase.removeEventListener('abort', onPhaseEnd);
        if (this.#attempt === attempt) this.#attempt = undefined;
      });
  }

  /** Cancel: stops waiting for the browser; the loopback listener closes (RFC 8252 §7.3). */
  cancel(): void {
    // Once the browser has come back the code is being redeemed: too late to half-stop.
    if (this.#shown.status !== 'starting' && this.#shown.status !== 'waiting') return;
    this.#attempt?.abort(new Cancelled('cancelled'));
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { connection, identities } = this.#deps;
    let metadata: AuthorizationServerMetadata;
    try {
      metadata = await connection.discover(signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new BrowserSignInError(isTransient(error) ? 'unreachable' : 'unsupported', 'Discovery failed.', { cause: error });
    }
    const { tokens, claims } = await signInWithBrowser({
      ...this.#deps.host,
      issuer: connection.issuer,
      metadata,
      client: connection.client,
      scope: this.#deps.scope(),
      signal,
      ...connection.fetchOption(),
      verifyIdToken: (idToken, nonce) => identities.verifyWithNonce(idToken, metadata, signal, nonce),
      onProgress: (progress) => this.#show({ status: progress.stage, failure: null }),
    });
    try {
      await this.#deps.accept(tokens, metadata, signal, claims);
    } catch (error) {
      if (error instanceof Cancelled || signal.aborted) throw error;
      throw new BrowserSignInError('id-token-invalid', 'The sign-in could not be verified.', { cause: error });
    }
  }

  #show(next: BrowserSignInShown): void {
    const shown = this.#shown;
    this.#shown = next;
    if (shown.status === next.status && shown.failure === next.failure) return;
    this.#deps.show(next);
  }
}
