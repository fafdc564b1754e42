/**
 * The session controller: everything the kiosk does, with no idea where it runs. Electron main
 * runs it (the renderer gets view states over IPC) and so does the web host (in the page). It
 * drives the shared client steps and the `DeviceFlow` driver, keeps the tokens to itself, and
 * publishes `ViewState`s, which never carry a token.
 *
 *   kiosk:   discovery → pairing (DeviceFlow) → signed in (background refresh) → sign out → pairing …
 *   desktop: "Sign in with your browser" (Authorization Code + PKCE, `desktop-sign-in.ts`) →
 *            the same signed-in phase, refresh and sign-out → the browser sign-in screen again.
 */
import {
  DeviceFlow,
  OAuthError,
  backoffDelay,
  discover,
  formatUserCode,
  processRevocationResponse,
  processTokenResponse,
  processUserInfoResponse,
  refreshTokenGrantRequest,
  revocationRequest,
  spellUserCode,
  userInfoRequest,
  type AuthorizationServerMetadata,
  type DeviceFlowState,
  type FetchLike,
  type IdTokenClaims,
  hasScope,
  type OAuthClient,
  type RequestOptions,
  type Sleep,
  type TokenResponse,
} from '@pairgate/shared';
import type { ClientConfig } from './client-config';
import { BrowserSignInError, signInWithBrowser, type BrowserHost } from './desktop-sign-in';
import { DEVICES_SCOPE, DevicesApiError, devicesApiUrl, fetchDevices, scopeWithDevices } from './devices-api';
import { IdTokenVerifier } from './id-token-verifier';
import { defaultWebSocketFactory, pushEndpoint, watchDeviceStatus, type WebSocketFactory } from './push-hint';
import type { SaveResult, TokenVault } from './vault';
import type { BrowserSignInStatus, BrowserFailure, Command, Failure, Notice, PairingStatus, ShownCode, ShownDevices, ViewState } from './view-state';

export interface ControllerOptions extends ClientConfig {
  vault: TokenVault;
  fetch?: FetchLike;
  /** Clock, epoch milliseconds; default `Date.now`. */
  now?: () => number;
  /** Default: `setTimeout`, woken early by the signal. */
  sleep?: Sleep;
  /** New codes fetched by themselves after expiry before the screen waits for a key (default 3). */
  maxRenewals?: number;
  /** Where safe, token-free diagnostics go (default: nowhere). */
  log?: (line: string) => void;
  /** Opens the push channel (a hint to poll early); default the platform's WebSocket, null for none. */
  webSocket?: WebSocketFactory | null;
  /** `kiosk` (default): the device flow. `desktop`: sign in through the system browser. */
  mode?: 'kiosk' | 'desktop';
  /** Desktop mode: how to open the browser and listen for its redirect (required there). */
  browser?: BrowserHost;
}

export type ViewListener = (state: ViewState) => void;

/** What one refresh came to. */
export type RefreshOutcome = 'refreshed' | 'retry-later' | 'signed-out' | 'not-signed-in';

/** The tokens of the signed-in session. Private to this file: nothing outside ever sees them. */
interface Session {
  accessToken: string;
  refreshToken: string | undefined;
  /** When the access token expires (epoch ms), when the server said. */
  accessExpiresAt: number | undefined;
  /** When the access token was obtained, to refresh at a fraction of its lifetime. */
  obtainedAt: number;
  /** The scope granted with the access token (RFC 6749 §5.1); undefined: as requested (or unknown). */
  scope: string | undefined;
  name: string | null;
  sub: string | null;
}

export const DEFAULT_MAX_RENEWALS = 3;
/** Refresh once this fraction of the access token's lifetime has passed: early enough that a
 * slow or failing refresh can be retried before the token expires. */
const REFRESH_AT_FRACTION = 0.8;
/** Discovery and code requests retry from 1 s up to 30 s while the server cannot be reached. */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/** A sign-out must not hang on a dead network: the device forgets the session regardless. */
const REVOCATION_TIMEOUT_MS = 10_000;

const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Network failures, 5xx, 429 and 503: worth retrying later (same rule as the DeviceFlow driver). */
export function isTransient(error: unknown): boolean {
  if (error instanceof OAuthError) return error.error === 'temporarily_unavailable' || error.status >= 500 || error.status === 429;
  if (error instanceof TypeError) return true; // WHATWG Fetch: a network error rejects with TypeError
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'NetworkError');
}

/** A loggable description of an error: its name and OAuth code, never a message that might echo input. */
function describe(error: unknown): string {
  if (error instanceof OAuthError) return `${error.error} (HTTP ${error.status})`;
  if (error instanceof Error) return (error as Error & { code?: unknown }).code ? `${error.name} ${String((error as Error & { code?: unknown }).code)}` : error.name;
  return typeof error;
}

function failureOf(error: unknown): Failure {
  if (error instanceof OAuthError) {
    switch (error.error) {
      case 'invalid_client':
      case 'unauthorized_client':
      case 'invalid_scope':
      case 'invalid_request':
      case 'unsupported_grant_type':
        return 'client-rejected';
      default:
        return 'unknown';
    }
  }
  if (error instanceof Error && error.name === 'InvalidResponseError') return 'bad-response';
  return 'unknown';
}

function browserFailureOf(error: unknown): BrowserFailure {
  // (A cancelled attempt never gets here: it goes back to the ready screen.)
  if (error instanceof BrowserSignInError) return error.reason === 'cancelled' ? 'browser-failed' : error.reason;
  if (isTransient(error)) return 'unreachable';
  return 'id-token-invalid';
}

class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

export class SessionController {
  readonly #options: ControllerOptions;
  readonly #client: OAuthClient;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #maxRenewals: number;
  readonly #listeners = new Set<ViewListener>();
  /** Aborted by `stop()`: ends everything. */
  readonly #life = new AbortController();
  /** The current phase (pairing, or signed in); aborted when moving to the next one. */
  #phase = new AbortController();
  #view: ViewState = { screen: 'pairing', status: 'connecting', code: null, failure: null, notice: null };
  #metadata: AuthorizationServerMetadata | undefined;
  readonly #idTokens: IdTokenVerifier;
  /** Desktop mode: the browser sign-in under way, if any (aborted by Cancel). */
  #browserAttempt: AbortController | undefined;
  #session: Session | undefined;
  #refreshing: Promise<RefreshOutcome> | undefined;
  /** Set while the pairing screen waits for "Start again" or a key press. */
  #restartWaiter: (() => void) | undefined;
  #started = false;
  /** Bumped per devices API call, so only the latest answer reaches the screen. */
  #devicesCall = 0;
  /** A 401 from the devices API already led to a refresh; another one does not (no loop). */
  #devicesRefreshed = false;

  constructor(options: ControllerOptions) {
    this.#options = options;
    this.#client = { client_id: options.clientId };
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#maxRenewals = options.maxRenewals ?? DEFAULT_MAX_RENEWALS;
    this.#idTokens = new IdTokenVerifier({ clientId: options.clientId, now: this.#now, ...(options.fetch ? { fetch: options.fetch } : {}) });
    if (options.mode === 'desktop') {
      if (!options.browser) throw new TypeError('Desktop mode needs a browser host (openBrowser + loopback).');
      this.#view = { screen: 'browser-sign-in', status: 'ready', failure: null, notice: null };
    }
  }

  getState(): ViewState {
    return this.#view;
  }

  subscribe(listener: ViewListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Discovers the server, resumes a stored session if the vault has one, and otherwise starts
   * pairing. Returns once that first step is under way; the rest runs in the background.
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('SessionController.start() may only be called once.');
    this.#started = true;
    const stored = await this.#options.vault.load().catch((error: unknown) => {
      this.#log(`could not read the vault: ${describe(error)}`);
      return undefined;
    });
    if (stored) {
      this.#session = { accessToken: '', refreshToken: stored.refreshToken, accessExpiresAt: 0, obtainedAt: 0, scope: undefined, name: stored.name, sub: stored.sub };
      // The device list follows the refresh below (a stored session has no access token yet).
      this.#setView({ screen: 'signed-in', name: stored.name, signingOut: false, notice: null, devices: null });
      // The stored refresh token is checked at once: if the person signed this device out
      // meanwhile, `invalid_grant` sends the screen back to pairing.
      this.#enterSignedIn(true);
    } else {
      this.#enterSignedOut();
    }
  }

  /** Ends all work: no more requests, timers or view changes. */
  stop(): void {
    this.#life.abort(new Cancelled('stopped'));
    this.#phase.abort(new Cancelled('stopped'));
    this.#listeners.clear();
  }

  dispatch(command: Command): void {
    switch (command.type) {
      case 'restart':
        this.restart();
        break;
      case 'sign-out':
        void this.signOut();
        break;
      case 'sign-in':
        this.signInWithBrowser();
        break;
      case 'cancel':
        this.cancel();
        break;
    }
  }

  /** "Start again": only means something while the pairing screen is waiting for it. */
  restart(): void {
    const waiter = this.#restartWaiter;
    this.#restartWaiter = undefined;
    waiter?.();
  }

  /**
   * Refreshes the access token now (RFC 6749 §6). One refresh at a time: a call while one is in
   * flight gets that one's outcome, so a rotating refresh token is never presented twice (which
   * the server would treat as reuse and revoke the whole grant; RFC 9700 §4.14.2).
   */
  refresh(): Promise<RefreshOutcome> {
    if (!this.#session?.refreshToken) return Promise.resolve('not-signed-in');
    this.#refreshing ??= this.#refreshOnce().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /**
   * "Sign out": revoke the refresh token at the server (RFC 7009 §2.1; revoking it also ends
   * the grant's other tokens where the server supports that), forget the session, new code.
   */
  async signOut(): Promise<void> {
    const view = this.#view;
    if (view.screen !== 'signed-in' || view.signingOut) return;
    this.#setView({ ...view, signingOut: true });
    this.#phase.abort(new Cancelled('sign-out'));
    // Let a refresh in flight finish, so the token revoked is the latest one.
    await this.#refreshing?.catch(() => undefined);
    const refreshToken = this.#session?.refreshToken;
    this.#session = undefined;
    let notice: Notice | null = null;
    if (refreshToken && !this.#metadata) {
      // Resumed from the vault while the server was unreachable: one more try to find it.
      this.#metadata = await discover(this.#options.issuer, this.#requestOptions(this.#life.signal)).catch(() => undefined);
      if (!this.#metadata) notice = 'sign-out-offline';
    }
    if (refreshToken && this.#metadata?.revocation_endpoint) {
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new Cancelled('revocation timed out')), REVOCATION_TIMEOUT_MS);
      try {
        await processRevocationResponse(
          await revocationRequest(this.#metadata, this.#client, refreshToken, 'refresh_token', this.#requestOptions(timeout.signal)),
        );
      } catch (error) {
        this.#log(`revocation failed: ${describe(error)}`);
        notice = 'sign-out-offline';
      } finally {
        clearTimeout(timer);
      }
    }
    await this.#clearVault();
    if (this.#life.signal.aborted) return;
    this.#enterSignedOut(notice);
  }

  /** Where a session that ends goes: pairing on a kiosk, the browser sign-in screen on a desktop. */
  #enterSignedOut(notice: Notice | null = null): void {
    if (this.#options.mode === 'desktop') this.#enterBrowserSignIn(notice);
    else this.#enterPairing(notice);
  }

  // ── Desktop: sign in through the system browser ────────────────────────────────────────────

  #enterBrowserSignIn(notice: Notice | null = null): void {
    this.#phase.abort(new Cancelled('next phase'));
    this.#phase = new AbortController();
    this.#setView({ screen: 'browser-sign-in', status: 'ready', failure: null, notice });
  }

  /**
   * "Sign in with your browser" (and "Try again"): one attempt at a time, and only from the
   * browser sign-in screen. Everything else happens in main (or the CLI): the renderer only
   * ever learns the status.
   */
  signInWithBrowser(): void {
    const view = this.#view;
    const browser = this.#options.browser;
    if (!browser || view.screen !== 'browser-sign-in' || (view.status !== 'ready' && view.status !== 'failed')) return;
    const phase = this.#phase.signal;
    const attempt = new AbortController();
    const onPhaseEnd = () => attempt.abort(phase.reason);
    phase.addEventListener('abort', onPhaseEnd, { once: true });
    this.#browserAttempt = attempt;
    this.#setBrowser('starting', null, view.notice);
    this.#runBrowserSignIn(browser, attempt.signal)
      .catch((error: unknown) => {
        if (phase.aborted || this.#life.signal.aborted) return;
        if (attempt.signal.aborted || (error instanceof BrowserSignInError && error.reason === 'cancelled')) {
          this.#setBrowser('ready', null, null);
          return;
        }
        const failure = browserFailureOf(error);
        this.#log(`browser sign-in failed: ${failure} (${describe(error instanceof BrowserSignInError && error.cause !== undefined ? error.cause : error)})`);
        this.#setBrowser('failed', failure, null);
      })
      .finally(() => {
        phase.removeEventListener('abort', onPhaseEnd);
        if (this.#browserAttempt === attempt) this.#browserAttempt = undefined;
      });
  }

  /** Cancel: stops waiting for the browser; the loopback listener closes (RFC 8252 §7.3). */
  cancel(): void {
    // Once the browser has come back the code is being redeemed: too late to half-stop.
    const view = this.#view;
    if (view.screen !== 'browser-sign-in' || (view.status !== 'starting' && view.status !== 'waiting')) return;
    this.#browserAttempt?.abort(new Cancelled('cancelled'));
  }

  async #runBrowserSignIn(browser: BrowserHost, signal: AbortSignal): Promise<void> {
    let metadata: AuthorizationServerMetadata;
    try {
      metadata = this.#metadata ??= await discover(this.#options.issuer, this.#requestOptions(signal));
    } catch (error) {
      if (signal.aborted) throw error;
      throw new BrowserSignInError(isTransient(error) ? 'unreachable' : 'unsupported', 'Discovery failed.', { cause: error });
    }
    const { tokens, claims } = await signInWithBrowser({
      ...browser,
      issuer: this.#options.issuer,
      metadata,
      client: this.#client,
      scope: this.#scope(),
      signal,
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      verifyIdToken: (idToken, nonce) => this.#idTokens.verify(idToken, metadata, signal, nonce),
      onProgress: (progress) => this.#setBrowser(progress.stage, null, null),
    });
    try {
      await this.#acceptTokens(tokens, metadata, signal, claims);
    } catch (error) {
      if (error instanceof Cancelled || signal.aborted) throw error;
      throw new BrowserSignInError('id-token-invalid', 'The sign-in could not be verified.', { cause: error });
    }
  }

  #setBrowser(status: BrowserSignInStatus, failure: BrowserFailure | null, notice: Notice | null): void {
    const view = this.#view;
    if (view.screen !== 'browser-sign-in') return;
    if (view.status === status && view.failure === failure && view.notice === notice) return;
    this.#setView({ screen: 'browser-sign-in', status, failure, notice });
  }

  // ── Pairing ────────────────────────────────────────────────────────────────────────────────

  #enterPairing(notice: Notice | null = null): void {
    this.#phase.abort(new Cancelled('next phase'));
    const phase = new AbortController();
    this.#phase = phase;
    this.#setView({ screen: 'pairing', status: 'connecting', code: null, failure: null, notice });
    this.#pairingLoop(phase.signal).catch((error: unknown) => {
      if (!(error instanceof Cancelled) && !phase.signal.aborted) this.#log(`pairing stopped: ${describe(error)}`);
    });
  }

  async #pairingLoop(signal: AbortSignal): Promise<void> {
    let renewals = 0;
    let failures = 0;
    for (;;) {
      const metadata = await this.#discovered(signal);
      const flow = new DeviceFlow({
        metadata,
        client: this.#client,
        scope: this.#scope(),
        deviceName: this.#options.deviceName,
        deviceModel: this.#options.deviceModel,
        now: this.#now,
        sleep: this.#sleep,
        ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      });
      const renewing = renewals > 0 && this.#pairingStatus() === 'renewing';
      let closePush: (() => void) | undefined;
      let pushTried = false;
      const unsubscribe = flow.subscribe((state) => {
        if (state.status === 'waiting' && !pushTried) {
          pushTried = true;
          closePush = this.#watchPush(metadata, state.authorization.device_code, flow);
        }
        this.#showFlowState(state, renewing, failures > 0);
      });
      const result = await flow.start(signal).finally(() => closePush?.());
      unsubscribe();

      switch (result.status) {
        case 'approved':
          try {
            await this.#acceptTokens(result.tokens, metadata, signal);
          } catch (error) {
            if (error instanceof Cancelled || signal.aborted) throw new Cancelled('sign-in');
            // An ID token that does not verify is not a sign-in: keep nothing.
            this.#log(`sign-in rejected: ${describe(error)}`);
            this.#setPairing('failed', null, 'id-token-invalid');
            await this.#waitForRestart(signal);
            this.#enterPairing();
          }
          return;
        case 'expired':
          // RFC 8628 §3.5 expired_token: the device may start a new request. A few times by
          // itself; after that nobody is looking, so wait for a key press instead of asking the
          // server for codes forever.
          failures = 0;
          if (renewals < this.#maxRenewals) {
            renewals += 1;
            this.#setPairing('renewing', null);
          } else {
            this.#setPairing('expired', null);
            await this.#waitForRestart(signal);
            renewals = 0;
          }
          break;
        case 'denied':
          this.#setPairing('denied', null);
          await this.#waitForRestart(signal);
          renewals = 0;
          failures = 0;
          break;
        case 'failed':
          if (isTransient(result.error)) {
            // The code request itself failed (the poll loop handles its own outages).
            failures += 1;
            this.#setPairing('reconnecting', null);
            await this.#sleep(backoffDelay(failures, RETRY_BASE_MS, RETRY_MAX_MS, Infinity), signal);
            if (signal.aborted) throw new Cancelled('pairing');
          } else {
            this.#log(`pairing failed: ${describe(result.error)}`);
            this.#setPairing('failed', null, failureOf(result.error));
            await this.#waitForRestart(signal);
            failures = 0;
            renewals = 0;
          }
          break;
        case 'cancelled':
          throw new Cancelled('pairing');
      }
    }
  }

  /**
   * The push hint for one code, when the server advertises a channel: `approved` or `denied`
   * polls at once (the token endpoint still decides); `opened` tells the screen the person has
   * the page open on their phone.
   */
  #watchPush(metadata: AuthorizationServerMetadata, deviceCode: string, flow: DeviceFlow): (() => void) | undefined {
    const url = pushEndpoint(metadata);
    const create = this.#options.webSocket === undefined ? defaultWebSocketFactory() : this.#options.webSocket;
    if (!url || !create) return undefined;
    return watchDeviceStatus(create, url, deviceCode, (status) => {
      switch (status) {
        case 'approved':
        case 'denied':
        case 'expired':
          flow.pollNow();
          break;
        case 'opened': {
          const view = this.#view;
          if (view.screen === 'pairing' && view.status === 'waiting') this.#setPairing('opened', view.code);
          break;
        }
      }
    });
  }

  #pairingStatus(): PairingStatus | undefined {
    return this.#view.screen === 'pairing' ? this.#view.status : undefined;
  }

  #showFlowState(state: DeviceFlowState, renewing: boolean, retrying: boolean): void {
    switch (state.status) {
      case 'requesting':
        this.#setPairing(renewing ? 'renewing' : retrying ? 'reconnecting' : 'connecting', null);
        break;
      case 'waiting':
      case 'reconnecting': {
        const { authorization, expiresAt } = state;
        const code: ShownCode = {
          userCode: formatUserCode(authorization.user_code),
          spokenCode: spellUserCode(authorization.user_code),
          verificationUri: authorization.verification_uri,
          qrUri: authorization.verification_uri_complete ?? authorization.verification_uri,
          qrIncludesCode: authorization.verification_uri_complete !== undefined,
          expiresAt,
        };
        // Keep the same object while nothing changed, so the screen does not re-render per poll.
        const current = this.#view.screen === 'pairing' ? this.#view.code : null;
        const same = current !== null && current.userCode === code.userCode && current.expiresAt === code.expiresAt;
        // A pending poll after the phone opened the page changes nothing the person sees.
        const status = state.status === 'waiting' && same && this.#pairingStatus() === 'opened' ? 'opened' : state.status;
        this.#setPairing(status, same ? current : code);
        break;
      }
      default:
        // Terminal states are handled by the loop, which knows what comes next.
        break;
    }
  }

  #setPairing(status: PairingStatus, code: ShownCode | null, failure: Failure | null = null): void {
    const view = this.#view;
    const notice = view.screen === 'pairing' ? view.notice : null;
    if (view.screen === 'pairing' && view.status === status && view.code === code && view.failure === failure) return;
    this.#setView({ screen: 'pairing', status, code, failure, notice });
  }

  #waitForRestart(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new Cancelled('pairing'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#restartWaiter = () => {
        signal.removeEventListener('abort', onAbort);
        this.#setPairing('connecting', null);
        resolve();
      };
    });
  }

  /** The server's metadata, discovered once; retried with back-off while it cannot be reached. */
  async #discovered(signal: AbortSignal): Promise<AuthorizationServerMetadata> {
    let attempt = 0;
    while (!this.#metadata) {
      try {
        this.#metadata = await discover(this.#options.issuer, this.#requestOptions(signal));
      } catch (error) {
        if (signal.aborted) throw new Cancelled('discovery');
        if (isTransient(error)) {
          attempt += 1;
          this.#setPairing('reconnecting', null);
          await this.#sleep(backoffDelay(attempt, RETRY_BASE_MS, RETRY_MAX_MS, Infinity), signal);
        } else {
          this.#log(`discovery failed: ${describe(error)}`);
          this.#setPairing('failed', null, failureOf(error));
          await this.#waitForRestart(signal);
        }
        if (signal.aborted) throw new Cancelled('discovery');
      }
    }
    return this.#metadata;
  }

  // ── Signing in ─────────────────────────────────────────────────────────────────────────────

  /**
   * Tokens from either flow: find out who signed in, keep the session (the vault gets the
   * refresh token), show them, and start the background refresh. Throws if the identity does
   * not verify — then nothing is kept. `claims`: an ID token the caller already verified (with
   * its nonce, in the browser flow).
   */
  async #acceptTokens(tokens: TokenResponse, metadata: AuthorizationServerMetadata, signal: AbortSignal, claims?: IdTokenClaims): Promise<void> {
    const identity = await this.#identify(tokens, metadata, signal, null, claims);
    if (signal.aborted) throw new Cancelled('sign-in');
    const now = this.#now();
    this.#session = {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      accessExpiresAt: tokens.expires_in === undefined ? undefined : now + tokens.expires_in * 1000,
      obtainedAt: now,
      scope: tokens.scope,
      ...identity,
    };
    const notice = await this.#persist();
    if (signal.aborted) throw new Cancelled('sign-in');
    this.#devicesRefreshed = false;
    this.#setView({ screen: 'signed-in', name: identity.name, signingOut: false, notice, devices: this.#devicesUrl() ? { status: 'loading' } : null });
    this.#enterSignedIn(false);
    void this.#loadDevices();
  }

  /**
   * Who signed in: the verified ID token's `name` (OIDC Core §3.1.3.7), else /userinfo
   * (§5.3, its `sub` checked against the ID token's), else nobody in particular.
   */
  async #identify(
    tokens: TokenResponse,
    metadata: AuthorizationServerMetadata,
    signal: AbortSignal,
    previousSub: string | null = null,
    verified?: IdTokenClaims,
  ): Promise<{ name: string | null; sub: string | null }> {
    let sub: string | null = null;
    if (verified || (tokens.id_token && metadata.jwks_uri)) {
      const claims = verified ?? (await this.#idTokens.verify(tokens.id_token as string, metadata, signal));
      // OIDC Core §12.2: an ID token from a refresh must be about the same person.
      if (previousSub !== null && claims.sub !== previousSub) throw new Error('The refreshed ID token is about someone else.');
      sub = claims.sub;
      if (typeof claims.name === 'string' && claims.name.length > 0) return { name: claims.name, sub };
    }
    if (metadata.userinfo_endpoint) {
      try {
        const info = await processUserInfoResponse(
          await userInfoRequest(metadata, tokens.access_token, this.#requestOptions(signal)),
          sub ?? previousSub ?? undefined,
        );
        const name = typeof info.name === 'string' && info.name ? info.name : typeof info.email === 'string' && info.email ? info.email : null;
        return { name, sub: info.sub };
      } catch (error) {
        if (signal.aborted) throw error;
        // No name is not a reason to refuse the sign-in; the screen says "Signed in".
        this.#log(`userinfo failed: ${describe(error)}`);
      }
    }
    return { name: null, sub };
  }

  /** Saves the refresh token; what the vault refused becomes a notice on screen. */
  async #persist(): Promise<Notice | null> {
    const session = this.#session;
    if (!session?.refreshToken) return null;
    let result: SaveResult;
    try {
      result = await this.#options.vault.save({ refreshToken: session.refreshToken, name: session.name, sub: session.sub });
    } catch (error) {
      this.#log(`could not save the session: ${describe(error)}`);
      return 'vault-unavailable';
    }
    if (result.stored) return null;
    return result.reason === 'plaintext-refused' ? 'vault-plaintext-refused' : 'vault-unavailable';
  }

  async #clearVault(): Promise<void> {
    await this.#options.vault.clear().catch((error: unknown) => this.#log(`could not clear the vault: ${describe(error)}`));
  }

  // ── Signed in: background refresh ──────────────────────────────────────────────────────────

  #enterSignedIn(refreshNow: boolean): void {
    this.#phase.abort(new Cancelled('next phase'));
    const phase = new AbortController();
    this.#phase = phase;
    this.#refreshLoop(phase.signal, refreshNow).catch((error: unknown) => {
      if (!(error instanceof Cancelled) && !phase.signal.aborted) this.#log(`refresh loop stopped: ${describe(error)}`);
    });
  }

  async #refreshLoop(signal: AbortSignal, refreshNow: boolean): Promise<void> {
    let failures = 0;
    let due = refreshNow;
    for (;;) {
      const session = this.#session;
      if (!session?.refreshToken) return; // nothing to refresh with: stay signed in until told otherwise
      if (!due) {
        let delay: number;
        if (failures > 0) {
          delay = backoffDelay(failures, 5_000, 5 * 60_000, Infinity);
        } else if (session.accessExpiresAt === undefined) {
          return; // no expiry given: the token is used until the server rejects it
        } else {
          const lifetime = session.accessExpiresAt - session.obtainedAt;
          delay = Math.max(0, session.obtainedAt + lifetime * REFRESH_AT_FRACTION - this.#now());
        }
        await this.#sleep(delay, signal);
        if (signal.aborted) throw new Cancelled('refresh');
      }
      due = false;
      const outcome = await this.refresh();
      if (signal.aborted) throw new Cancelled('refresh');
      switch (outcome) {
        case 'refreshed':
          failures = 0;
          break;
        case 'retry-later':
          failures += 1;
          break;
        case 'signed-out':
        case 'not-signed-in':
          return;
      }
    }
  }

  async #refreshOnce(): Promise<RefreshOutcome> {
    const session = this.#session;
    const signal = this.#phase.signal;
    if (!session?.refreshToken) return 'not-signed-in';
    let metadata: AuthorizationServerMetadata;
    let tokens: TokenResponse;
    try {
      // Quietly: a failed discovery here must not put the pairing screen up over a signed-in one.
      metadata = this.#metadata ??= await discover(this.#options.issuer, this.#requestOptions(signal));
      tokens = await processTokenResponse(
        await refreshTokenGrantRequest(metadata, this.#client, session.refreshToken, this.#requestOptions(signal)),
      );
    } catch (error) {
      if (signal.aborted || this.#session !== session) return 'retry-later';
      if (error instanceof OAuthError && (error.error === 'invalid_grant' || error.error === 'invalid_client' || error.error === 'unauthorized_client')) {
        // RFC 6749 §5.2 invalid_grant: the refresh token was revoked or expired — most likely
        // the person signed this device out from their phone. Back to pairing by itself.
        this.#log(`refresh refused: ${describe(error)}; pairing again`);
        this.#session = undefined;
        await this.#clearVault();
        if (!this.#life.signal.aborted) this.#enterSignedOut();
        return 'signed-out';
      }
      this.#log(`refresh failed, will retry: ${describe(error)}`);
      return 'retry-later';
    }
    if (this.#session !== session) return 'retry-later';
    let identity = { name: session.name, sub: session.sub };
    if (tokens.id_token || !session.accessToken) {
      try {
        identity = await this.#identify(tokens, metadata, signal, session.sub);
        if (identity.name === null) identity.name = session.name;
      } catch (error) {
        this.#log(`refreshed identity not accepted: ${describe(error)}`);
      }
    }
    const now = this.#now();
    this.#session = {
      accessToken: tokens.access_token,
      // RFC 6749 §6: a new refresh token replaces the old one; none means keep using the old.
      refreshToken: tokens.refresh_token ?? session.refreshToken,
      accessExpiresAt: tokens.expires_in === undefined ? undefined : now + tokens.expires_in * 1000,
      obtainedAt: now,
      // RFC 6749 §5.1: no scope in the answer means the one asked for — here, the grant's.
      scope: tokens.scope ?? session.scope,
      ...identity,
    };
    const notice = await this.#persist();
    const view = this.#view;
    if (view.screen === 'signed-in' && !view.signingOut) {
      this.#setView({ ...view, name: identity.name, notice: notice ?? view.notice });
    }
    // New tokens, a fresh list (and the first one for a session resumed from the vault).
    void this.#loadDevices();
    return 'refreshed';
  }

  // ── Signed in: "your devices" ─────────────────────────────────────────────────────────────

  /** The devices API's URL, when it is configured or the server advertises its scope. */
  #devicesUrl(): string | undefined {
    return devicesApiUrl(this.#options.devicesApi, this.#options.issuer, this.#metadata);
  }

  /** The scope to ask for: `devices:read` only where the devices API will be called. */
  #scope(): string {
    return scopeWithDevices(this.#options.scope, this.#devicesUrl());
  }

  /**
   * Calls the devices API with the access token and puts display rows (never the token) on the
   * signed-in screen. Its failures never end the session by themselves: a 401 (the token expired
   * or the sign-in was signed out elsewhere) takes the refresh path once — `invalid_grant` there
   * goes back to pairing, success reloads the list — and anything else leaves a small note.
   */
  async #loadDevices(): Promise<void> {
    const session = this.#session;
    const signal = this.#phase.signal;
    const url = this.#devicesUrl();
    const call = ++this.#devicesCall;
    if (!session?.accessToken || !url || (session.scope !== undefined && !hasScope(session.scope, DEVICES_SCOPE))) {
      this.#setDevices(null);
      return;
    }
    const current = () => !signal.aborted && call === this.#devicesCall && this.#session === session;
    try {
      const devices = await fetchDevices(url, session.accessToken, this.#options.fetch ?? ((input, init) => fetch(input, init)), signal);
      if (!current()) return;
      this.#devicesRefreshed = false;
      this.#setDevices(devices);
    } catch (error) {
      if (!current()) return;
      if (error instanceof DevicesApiError && error.status === 401 && !this.#devicesRefreshed) {
        this.#devicesRefreshed = true;
        this.#log(`devices API refused the access token: ${error.error ?? 'no error code'} (HTTP 401); refreshing`);
        const outcome = await this.refresh();
        // `refreshed` reloaded the list; `signed-out` left this screen.
        if (outcome !== 'refreshed' && outcome !== 'signed-out' && call === this.#devicesCall) this.#setDevices({ status: 'unavailable' });
        return;
      }
      this.#log(`devices API failed: ${error instanceof DevicesApiError ? `${error.error ?? 'error'} (HTTP ${error.status})` : describe(error)}`);
      if (error instanceof DevicesApiError && (error.status === 403 || error.status === 404)) {
        // Not for this app (no scope granted, no such API): nothing to say on screen.
        this.#setDevices(null);
        return;
      }
      // A network or server failure: keep a list already shown, else a small note. (A 401 again
      // after the refresh: the list may be stale, so the note.)
      const view = this.#view;
      if (isTransient(error) || (error instanceof DevicesApiError && (error.status >= 500 || error.status === 429))) {
        if (view.screen === 'signed-in' && view.devices?.status === 'ready') return;
      }
      this.#setDevices({ status: 'unavailable' });
    }
  }

  #setDevices(devices: ShownDevices | null): void {
    const view = this.#view;
    if (view.screen !== 'signed-in' || view.signingOut) return;
    if (JSON.stringify(view.devices) === JSON.stringify(devices)) return;
    this.#setView({ ...view, devices });
  }

  // ── Plumbing ───────────────────────────────────────────────────────────────────────────────

  #requestOptions(signal: AbortSignal): RequestOptions {
    return { signal, ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}) };
  }

  #setView(view: ViewState): void {
    if (this.#life.signal.aborted) return;
    this.#view = view;
    for (const listener of [...this.#listeners]) {
      try {
        listener(view);
      } catch (error) {
        this.#log(`a view listener threw: ${describe(error)}`);
      }
    }
  }

  #log(line: string): void {
    this.#options.log?.(line);
  }
}
