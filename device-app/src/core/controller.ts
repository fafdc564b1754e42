/**
 * The session controller: what the kiosk (or desktop app) is doing, with no idea where it runs.
 * Electron main runs it (the renderer gets view states over IPC) and so does the web host (in the
 * page). It is a small phase machine; the work of each phase lives in a module of its own:
 *
 *   pairing.ts          a code and a QR until someone approves (DeviceFlow + the push hint)
 *   browser-sign-in.ts  desktop: "Sign in with your browser" (PKCE, loopback redirect)
 *   identity.ts         who signed in (verified ID token, or /userinfo)
 *   session.ts          the tokens: vault, refresh one at a time
 *   sign-in-watch.ts    push: the server says at once when the sign-in ends
 *   revocations.ts      sign-outs, told to the server — later, if it cannot be reached now
 *   devices-list.ts     "Your devices" on the signed-in screen
 *
 * Tokens stay inside those modules; what leaves the controller is a `ViewState`, which never
 * carries one.
 *
 *   starting ─┬─ the vault has a session ──────────────────────────────▶ signed-in (refreshed at once)
 *             └─ nothing stored ──▶ pairing (kiosk) | browser-sign-in (desktop)
 *   pairing | browser-sign-in ── tokens accepted ──────────────────────▶ signed-in
 *   signed-in ── "Sign out" ──▶ signing-out ── revocation queued ─────▶ pairing | browser-sign-in
 *   signed-in ── the server says the sign-in is over (push, or a refresh) ▶ pairing | browser-sign-in
 *   any ── stop() ──▶ stopped
 *
 * Every move is `#enter(phase)`: it ends the previous phase's work (its AbortSignal) and starts the
 * next one's. Failures that wait for the person ("Start again", "Try again") are statuses of the
 * pairing and browser sign-in screens, not phases of their own. The revocation queue is not a
 * phase's work: it runs from `start()` to `stop()`, whatever is on screen.
 */
import { sleep, type AuthorizationServerMetadata, type FetchLike, type IdTokenClaims, type Sleep, type TokenResponse } from '@pairgate/shared';
import { BrowserSignIn } from './browser-sign-in';
import type { ClientConfig } from './client-config';
import { Connection } from './connection';
import type { BrowserHost } from './desktop-sign-in';
import { DevicesList } from './devices-list';
import { Cancelled, describeError } from './diagnostics';
import { IdTokenVerifier } from './id-token-verifier';
import { Identities, type Identity } from './identity';
import { DEFAULT_MAX_RENEWALS, Pairing, type FirstCode } from './pairing';
import type { WebSocketFactory } from './push-hint';
import { RevocationQueue } from './revocations';
import { SessionKeeper, type RefreshOutcome } from './session';
import { SignInWatch } from './sign-in-watch';
import type { TokenVault } from './vault';
import type { Command, Notice, ShownDevices, ViewState } from './view-state';

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
  /** Opens the push channel (a hint to poll early, and the sign-in watch); default the platform's WebSocket, null for none. */
  webSocket?: WebSocketFactory | null;
  /**
   * This device's stable random id, sent as `device_id` with every code (Pairgate extension), so
   * that pairing it again replaces its earlier sign-in at the server instead of adding one.
   */
  deviceId?: string;
  /** `kiosk` (default): the device flow. `desktop`: sign in through the system browser. */
  mode?: 'kiosk' | 'desktop';
  /** Desktop mode: how to open the browser and listen for its redirect (required there). */
  browser?: BrowserHost;
  /** Kiosk mode: a code the web host already asked for (it is in the page): shown from the start. */
  firstCode?: FirstCode;
}

export type ViewListener = (state: ViewState) => void;

type Phase =
  | { name: 'starting' }
  | { name: 'pairing' }
  | { name: 'browser-sign-in' }
  | { name: 'signed-in'; identity: Identity; notice: Notice | null; resumed: boolean }
  | { name: 'signing-out' }
  | { name: 'stopped' };

export class SessionController {
  readonly #listeners = new Set<ViewListener>();
  readonly #log: (line: string) => void;
  readonly #identities: Identities;
  readonly #session: SessionKeeper;
  readonly #devices: DevicesList;
  readonly #pairing: Pairing;
  readonly #revocations: RevocationQueue;
  readonly #watch: SignInWatch;
  /** Desktop mode only. */
  readonly #browser: BrowserSignIn | undefined;
  #phase: Phase = { name: 'starting' };
  /** Aborted when the phase ends: stops its work (polling, the refresh loop, a browser attempt). */
  #phaseControl = new AbortController();
  /** Aborted by `stop()`: the work that outlives phases (the revocation queue). */
  readonly #lifetime = new AbortController();
  /** A sign-out is still waiting for the server (it could not be reached): the signed-out screens say so. */
  #signOutWaiting = false;
  #view: ViewState = { screen: 'pairing', status: 'connecting', code: null, match: null, failure: null, notice: null };
  /** The sign-out under way: what `signOut()` resolves with. */
  #signingOut: Promise<void> = Promise.resolve();
  #started = false;

  constructor(options: ControllerOptions) {
    const log = (line: string) => options.log?.(line);
    const now = options.now ?? Date.now;
    const wait = options.sleep ?? sleep;
    const connection = new Connection(options);
    this.#log = log;
    this.#identities = new Identities({ connection, verifier: new IdTokenVerifier({ clientId: options.clientId, now, ...connection.fetchOption() }), log });
    this.#revocations = new RevocationQueue({ connection, vault: options.vault, now, sleep: wait, log, waitingChanged: (waiting) => this.#signOutWaitingChanged(waiting) });
    this.#session = new SessionKeeper({
      connection,
      identities: this.#identities,
      vault: options.vault,
      revocations: this.#revocations,
      now,
      sleep: wait,
      log,
      events: { refreshed: (identity, notice) => this.#refreshed(identity, notice), ended: () => this.#sessionEnded() },
    });
    // Push: the server tells this screen the moment its sign-in ends.
    this.#watch = new SignInWatch(connection, {
      webSocket: options.webSocket,
      accessToken: () => this.#session.bearer()?.accessToken,
      refresh: () => this.refresh(),
      ended: () => {
        log('the server ended this sign-in; pairing again');
        void this.#sessionEnded();
      },
      sleep: wait,
      log,
    });
    this.#devices = new DevicesList({
      connection,
      configured: options.devicesApi,
      bearer: () => this.#session.bearer(),
      refresh: () => this.refresh(),
      shown: () => (this.#view.screen === 'signed-in' ? this.#view.devices : undefined),
      show: (devices) => this.#showDevices(devices),
      log,
    });
    const scope = () => this.#devices.scope(options.scope);
    this.#pairing = new Pairing({
      connection,
      scope,
      deviceName: options.deviceName,
      deviceModel: options.deviceModel,
      deviceId: options.deviceId,
      now,
      sleep: wait,
      maxRenewals: options.maxRenewals ?? DEFAULT_MAX_RENEWALS,
      webSocket: options.webSocket,
      first: options.firstCode,
      prefetchKeys: (metadata, signal) => this.#identities.prefetchKeys(metadata, signal),
      show: (shown) => {
        if (this.#phase.name === 'pairing') this.#setView({ screen: 'pairing', ...shown, notice: this.#signedOutNotice() });
      },
      accept: (tokens, metadata, signal) => this.#signIn(tokens, metadata, signal),
      log,
    });
    if (options.mode === 'desktop') {
      if (!options.browser) throw new TypeError('Desktop mode needs a browser host (openBrowser + loopback).');
      this.#browser = new BrowserSignIn({
        connection,
        host: options.browser,
        identities: this.#identities,
        scope,
        show: (shown) => {
          if (this.#phase.name === 'browser-sign-in') this.#setView({ screen: 'browser-sign-in', ...shown, notice: this.#signedOutNotice() });
        },
        accept: (tokens, metadata, signal, claims) => this.#signIn(tokens, metadata, signal, claims),
        log,
      });
      this.#view = { screen: 'browser-sign-in', status: 'ready', failure: null, notice: null };
    } else {
      // The page's first code is on screen before the vault has even been read.
      this.#view = { screen: 'pairing', ...this.#pairing.shown, notice: null };
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
   * Resumes a stored session if the vault has one, and otherwise starts pairing (or shows the
   * browser sign-in button). Returns once that first step is under way.
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('SessionController.start() may only be called once.');
    this.#started = true;
    this.#revocations.run(this.#lifetime.signal).catch((error: unknown) => this.#log(`the revocation queue stopped: ${describeError(error)}`));
    const stored = await this.#session.resume();
    if (this.#phase.name !== 'starting') return; // stopped meanwhile
    // A stored refresh token is checked at once: if the person signed this device out meanwhile,
    // `invalid_grant` ends the session and a new code appears.
    if (stored) this.#enter({ name: 'signed-in', identity: { name: stored.name, sub: stored.sub }, notice: null, resumed: true });
    else this.#enterSignedOut();
  }

  /** Ends all work: no more requests, timers or view changes. */
  stop(): void {
    this.#lifetime.abort(new Cancelled('stopped'));
    this.#enter({ name: 'stopped' });
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
    this.#pairing.restart();
  }

  /** Refreshes the access token now; one at a time (see `SessionKeeper.refresh`). */
  refresh(): Promise<RefreshOutcome> {
    if (this.#phase.name !== 'signed-in') return Promise.resolve('not-signed-in');
    return this.#session.refresh(this.#phaseControl.signal);
  }

  /** "Sign out": revoke at the server, forget the session, and show a new code. */
  signOut(): Promise<void> {
    if (this.#phase.name === 'signed-in') this.#enter({ name: 'signing-out' });
    return this.#signingOut;
  }

  /** "Sign in with your browser" (and "Try again"), desktop mode. */
  signInWithBrowser(): void {
    if (this.#phase.name === 'browser-sign-in') this.#browser?.start(this.#phaseControl.signal);
  }

  /** Cancel a browser sign-in that is waiting for the browser. */
  cancel(): void {
    if (this.#phase.name === 'browser-sign-in') this.#browser?.cancel();
  }

  // ── Phases ─────────────────────────────────────────────────────────────────────────────────

  #enter(next: Phase): void {
    if (this.#phase.name === 'stopped') return;
    const previous = this.#phaseControl;
    const control = new AbortController();
    this.#phaseControl = control;
    this.#phase = next;
    // After the switch, so nothing the old phase does as it stops reaches the screen.
    previous.abort(new Cancelled(next.name));
    const { signal } = control;
    const stopped = (what: string) => (error: unknown) => {
      if (!(error instanceof Cancelled) && !signal.aborted) this.#log(`${what} stopped: ${describeError(error)}`);
    };
    switch (next.name) {
      case 'starting':
        break;
      case 'pairing':
        this.#pairing.run(signal).catch(stopped('pairing'));
        break;
      case 'browser-sign-in':
        this.#browser?.ready();
        break;
      case 'signed-in':
        this.#devices.reset();
        this.#setView({
          screen: 'signed-in',
          name: next.identity.name,
          signingOut: false,
          notice: next.notice,
          // A resumed session has no access token yet: its list follows the first refresh.
          devices: !next.resumed && this.#devices.url() ? { status: 'loading' } : null,
        });
        this.#session.keepFresh(signal, next.resumed).catch(stopped('refresh loop'));
        // A resumed session has no access token to watch with until its first refresh.
        if (!next.resumed) {
          void this.#devices.load(signal);
          this.#watch.start(signal);
        }
        break;
      case 'signing-out': {
        const view = this.#view;
        if (view.screen === 'signed-in') this.#setView({ ...view, signingOut: true });
        this.#signingOut = this.#session.end().then(() => {
          if (!signal.aborted) this.#enterSignedOut();
        });
        break;
      }
      case 'stopped':
        this.#listeners.clear();
        break;
    }
  }

  /** Where a session that ends goes: pairing on a kiosk, the browser sign-in screen on a desktop. */
  #enterSignedOut(): void {
    this.#enter(this.#browser ? { name: 'browser-sign-in' } : { name: 'pairing' });
  }

  /** What the signed-out screens add: that a sign-out has not reached the server yet. */
  #signedOutNotice(): Notice | null {
    return this.#signOutWaiting ? 'sign-out-offline' : null;
  }

  #signOutWaitingChanged(waiting: boolean): void {
    this.#signOutWaiting = waiting;
    const view = this.#view;
    if ((view.screen === 'pairing' && this.#phase.name === 'pairing') || (view.screen === 'browser-sign-in' && this.#phase.name === 'browser-sign-in')) {
      this.#setView({ ...view, notice: this.#signedOutNotice() });
    }
  }

  /**
   * Tokens from either flow: find out who signed in, keep the session (the vault gets the refresh
   * token), and move to signed-in. Throws if the identity does not verify — then nothing is kept.
   */
  async #signIn(tokens: TokenResponse, metadata: AuthorizationServerMetadata, signal: AbortSignal, claims?: IdTokenClaims): Promise<void> {
    const identity = await this.#identities.identify(tokens, metadata, signal, { verified: claims });
    if (signal.aborted) throw new Cancelled('sign-in');
    const notice = await this.#session.begin(tokens, identity);
    if (signal.aborted) throw new Cancelled('sign-in');
    this.#enter({ name: 'signed-in', identity, notice, resumed: false });
  }

  /**
   * The server says this sign-in is over: its watch said `ended` (pushed the moment it was signed
   * out on the phone, disowned or replaced), or a refresh was refused with `invalid_grant`. The
   * one way back from a sign-in ended elsewhere: forget it (the server needs no revocation) and
   * show a new code.
   */
  async #sessionEnded(): Promise<void> {
    await this.#session.forget();
    if (this.#phase.name === 'signed-in') this.#enterSignedOut();
  }

  // ── The signed-in screen ───────────────────────────────────────────────────────────────────

  /** New tokens: the name may have changed, and the device list is loaded with them. */
  #refreshed(identity: Identity, notice: Notice | null): void {
    const view = this.#view;
    if (this.#phase.name !== 'signed-in' || view.screen !== 'signed-in') return;
    this.#setView({ ...view, name: identity.name, notice: notice ?? view.notice });
    void this.#devices.load(this.#phaseControl.signal);
    // A resumed session's first access token: now it can be watched.
    this.#watch.start(this.#phaseControl.signal);
  }

  #showDevices(devices: ShownDevices | null): void {
    const view = this.#view;
    if (this.#phase.name !== 'signed-in' || view.screen !== 'signed-in') return;
    if (JSON.stringify(view.devices) === JSON.stringify(devices)) return;
    this.#setView({ ...view, devices });
  }

  #setView(view: ViewState): void {
    if (this.#phase.name === 'stopped') return;
    this.#view = view;
    for (const listener of [...this.#listeners]) {
      try {
        listener(view);
      } catch (error) {
        this.#log(`a view listener threw: ${describeError(error)}`);
      }
    }
  }
}
