/**
 * Pairing: a code and a QR on screen until someone approves (RFC 8628). Drives the shared
 * `DeviceFlow` (which owns the §3.5 polling rules), listens to the push hint when the server
 * offers one, gets new codes when they expire (a few times; then it waits for a key press), and
 * waits for "Start again" after a denial or a failure. Shows every step as a pairing status, and
 * the number to pick on the phone when the server asks for number matching (by push, or in its
 * `authorization_pending` answers).
 */
import {
  DeviceFlow,
  OAuthError,
  backoffDelay,
  formatUserCode,
  isTransient,
  spellUserCode,
  hasScope,
  type AuthorizationServerMetadata,
  type DeviceAuthorizationResponse,
  type DeviceFlowState,
  type Sleep,
  type TokenResponse,
} from '@pairgate/shared';
import type { Connection } from './connection';
import { Cancelled, describeError, type Log } from './diagnostics';
import { defaultWebSocketFactory, pushEndpoint, watchDeviceStatus, type WebSocketFactory } from './push-hint';
import type { Failure, PairingStatus, ShownCode } from './view-state';

export const DEFAULT_MAX_RENEWALS = 3;
/** Discovery and code requests retry from 1 s up to 30 s while the server cannot be reached. */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/** What the pairing screen shows (the controller adds the notice). */
export interface PairingShown {
  status: PairingStatus;
  code: ShownCode | null;
  /** The number-matching number, beside the code (never without one). */
  match: string | null;
  failure: Failure | null;
}

/**
 * A code the web host already asked for and put in the page (so it is on screen before any
 * script runs): the answer, and when it was asked for in this page's clock.
 */
export interface FirstCode {
  authorization: DeviceAuthorizationResponse;
  requestedAt: number;
}

/** Takes an approved sign-in; throws when it cannot be accepted (its ID token does not verify). */
export type AcceptTokens = (tokens: TokenResponse, metadata: AuthorizationServerMetadata, signal: AbortSignal) => Promise<void>;

export interface PairingDeps {
  connection: Connection;
  /** The scope to ask for (it depends on discovery: see the devices list). */
  scope(): string;
  deviceName: string;
  deviceModel: string;
  /** Sent as `device_id` with every code: re-pairing this device replaces its earlier sign-in. */
  deviceId: string | undefined;
  now: () => number;
  sleep: Sleep;
  /** New codes fetched by themselves after expiry before the screen waits for a key press. */
  maxRenewals: number;
  /** Opens the push channel; undefined for the platform's WebSocket, null for none. */
  webSocket: WebSocketFactory | null | undefined;
  /** The page's first code, used by the first run only. */
  first?: FirstCode | undefined;
  /** Fetches what verifying the ID token will need (the JWKS) while the code is on screen. */
  prefetchKeys(metadata: AuthorizationServerMetadata, signal: AbortSignal): void;
  show(shown: PairingShown): void;
  accept: AcceptTokens;
  log: Log;
}

/** What the screen shows of a code (RFC 8628 §3.3): never the device code. */
export function shownCode(authorization: DeviceAuthorizationResponse, expiresAt: number): ShownCode {
  return {
    userCode: formatUserCode(authorization.user_code),
    spokenCode: spellUserCode(authorization.user_code),
    verificationUri: authorization.verification_uri,
    qrUri: authorization.verification_uri_complete ?? authorization.verification_uri,
    qrIncludesCode: authorization.verification_uri_complete !== undefined,
    expiresAt,
  };
}

/** Why pairing failed, as a category the screen can word (never a server's free text). */
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

export class Pairing {
  readonly #deps: PairingDeps;
  #shown: PairingShown;
  /** The page's first code, until the first run takes it. */
  #first: FirstCode | undefined;
  /** Set while the screen waits for "Start again" or a key press. */
  #restartWaiter: (() => void) | undefined;
  /** The current code's number-matching number, once the server has sent one. */
  #match: string | null = null;

  constructor(deps: PairingDeps) {
    this.#deps = deps;
    this.#first = deps.first;
    const first = deps.first;
    this.#shown = first
      ? { status: 'waiting', code: shownCode(first.authorization, first.requestedAt + first.authorization.expires_in * 1000), match: null, failure: null }
      : { status: 'connecting', code: null, match: null, failure: null };
  }

  /** What the screen shows before pairing starts: the page's first code, or "connecting". */
  get shown(): PairingShown {
    return this.#shown;
  }

  /** "Start again": only means something while the screen is waiting for it. */
  restart(): void {
    const waiter = this.#restartWaiter;
    this.#restartWaiter = undefined;
    waiter?.();
  }

  /**
   * Pairs until a sign-in is accepted (then resolves) or `signal` aborts (then rejects with
   * `Cancelled`). The screen starts at "connecting".
   */
  async run(signal: AbortSignal): Promise<void> {
    let first = this.#first;
    this.#first = undefined;
    if (first) this.#show('waiting', this.#shown.code, null, true);
    else this.#show('connecting', null, null, true);
    let renewals = 0;
    let failures = 0;
    for (;;) {
      const metadata = await this.#discovered(signal);
      const scope = this.#deps.scope();
      const flow = new DeviceFlow({
        metadata,
        client: this.#deps.connection.client,
        scope,
        deviceName: this.#deps.deviceName,
        deviceModel: this.#deps.deviceModel,
        ...(this.#deps.deviceId === undefined ? {} : { deviceId: this.#deps.deviceId }),
        now: this.#deps.now,
        sleep: this.#deps.sleep,
        ...this.#deps.connection.fetchOption(),
        ...(first ? { authorization: { response: first.authorization, requestedAt: first.requestedAt } } : {}),
      });
      first = undefined;
      // A number belongs to one code: a new code starts without one.
      this.#match = null;
      const renewing = renewals > 0 && this.#shown.status === 'renewing';
      let closePush: (() => void) | undefined;
      const unsubscribe = flow.subscribe((state) => {
        if (state.status === 'waiting' && closePush === undefined) {
          closePush = this.#watchPush(metadata, state.authorization.device_code, flow) ?? (() => undefined);
          // The keys for the ID token, while the person reaches for their phone (OIDC Core §3.1.3.7).
          if (hasScope(scope, 'openid')) this.#deps.prefetchKeys(metadata, signal);
        }
        this.#showFlowState(state, renewing, failures > 0);
      });
      const result = await flow.start(signal).finally(() => closePush?.());
      unsubscribe();

      switch (result.status) {
        case 'approved':
          try {
            await this.#deps.accept(result.tokens, metadata, signal);
            return;
          } catch (error) {
            if (error instanceof Cancelled || signal.aborted) throw new Cancelled('sign-in');
            // An ID token that does not verify is not a sign-in: nothing was kept.
            this.#deps.log(`sign-in rejected: ${describeError(error)}`);
            await this.#failedUntilRestart('id-token-invalid', signal);
          }
          break;
        case 'expired':
          // RFC 8628 §3.5 expired_token: the device may start a new request. A few times by
          // itself; after that nobody is looking, so wait for a key press instead of asking the
          // server for codes forever.
          if (renewals < this.#deps.maxRenewals) {
            renewals += 1;
            this.#show('renewing', null);
            failures = 0;
            continue;
          }
          this.#show('expired', null);
          await this.#waitForRestart(signal);
          break;
        case 'denied':
          this.#show('denied', null);
          await this.#waitForRestart(signal);
          break;
        case 'failed':
          if (isTransient(result.error)) {
            // The code request itself failed (the poll loop handles its own outages).
            failures += 1;
            this.#show('reconnecting', null);
            await this.#deps.sleep(backoffDelay(failures, RETRY_BASE_MS, RETRY_MAX_MS, Infinity), signal);
            if (signal.aborted) throw new Cancelled('pairing');
            continue;
          }
          this.#deps.log(`pairing failed: ${describeError(result.error)}`);
          await this.#failedUntilRestart(failureOf(result.error), signal);
          break;
        case 'cancelled':
          throw new Cancelled('pairing');
      }
      // After "Start again": a fresh start.
      renewals = 0;
      failures = 0;
    }
  }

  /** The server's metadata; retried with back-off while it cannot be reached, "Start again" after a refusal. */
  async #discovered(signal: AbortSignal): Promise<AuthorizationServerMetadata> {
    let attempt = 0;
    for (;;) {
      try {
        return await this.#deps.connection.discover(signal);
      } catch (error) {
        if (signal.aborted) throw new Cancelled('discovery');
        if (isTransient(error)) {
          attempt += 1;
          // A code already on screen (the page's first) stays: it is still good at the server.
          this.#show('reconnecting', this.#shown.code);
          await this.#deps.sleep(backoffDelay(attempt, RETRY_BASE_MS, RETRY_MAX_MS, Infinity), signal);
        } else {
          this.#deps.log(`discovery failed: ${describeError(error)}`);
          await this.#failedUntilRestart(failureOf(error), signal);
        }
        if (signal.aborted) throw new Cancelled('discovery');
      }
    }
  }

  /**
   * The push hint for one code, when the server advertises a channel: `approved`, `denied` or
   * `expired` polls at once (the token endpoint still decides, RFC 8628 §3.5); `opened` tells the
   * screen the person has the page open on their phone, and `match` brings the number to show.
   */
  #watchPush(metadata: AuthorizationServerMetadata, deviceCode: string, flow: DeviceFlow): (() => void) | undefined {
    const url = pushEndpoint(metadata);
    const create = this.#deps.webSocket === undefined ? defaultWebSocketFactory() : this.#deps.webSocket;
    if (!url || !create) return undefined;
    return watchDeviceStatus(create, url, deviceCode, (message) => {
      if (message.type === 'match') {
        this.#showMatch(message.number);
        return;
      }
      switch (message.status) {
        case 'approved':
        case 'denied':
        case 'expired':
          flow.pollNow();
          break;
        case 'opened':
          if (this.#shown.status === 'waiting') this.#show('opened', this.#shown.code);
          break;
      }
    });
  }

  /** The number to pick on the phone, from push or a poll: beside the code while it is on screen. */
  #showMatch(number: string): void {
    if (this.#match === number) return;
    this.#match = number;
    const { status, code } = this.#shown;
    // The server draws the number when a phone opens the confirm screen: the page is open.
    if (code && (status === 'waiting' || status === 'opened' || status === 'reconnecting')) this.#show(status === 'waiting' ? 'opened' : status, code);
  }

  #showFlowState(state: DeviceFlowState, renewing: boolean, retrying: boolean): void {
    switch (state.status) {
      case 'requesting':
        this.#show(renewing ? 'renewing' : retrying ? 'reconnecting' : 'connecting', null);
        break;
      case 'waiting':
      case 'reconnecting': {
        const { authorization, expiresAt } = state;
        // Keep the same object while nothing changed, so the screen does not re-render per poll.
        const current = this.#shown.code;
        const same = current !== null && current.userCode === formatUserCode(authorization.user_code) && current.expiresAt === expiresAt;
        const code = same ? current : shownCode(authorization, expiresAt);
        // A device that only polls learns the number from `authorization_pending` (pairgate_match).
        if (state.match !== undefined) this.#match = state.match;
        // A pending poll after the phone opened the page changes nothing the person sees.
        const opened = (same && this.#shown.status === 'opened') || this.#match !== null;
        const status = state.status === 'waiting' && opened ? 'opened' : state.status;
        this.#show(status, code);
        break;
      }
      default:
        // Terminal states are handled by the loop, which knows what comes next.
        break;
    }
  }

  async #failedUntilRestart(failure: Failure, signal: AbortSignal): Promise<void> {
    this.#show('failed', null, failure);
    await this.#waitForRestart(signal);
  }

  #waitForRestart(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new Cancelled('pairing'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#restartWaiter = () => {
        signal.removeEventListener('abort', onAbort);
        this.#show('connecting', null);
        resolve();
      };
    });
  }

  #show(status: PairingStatus, code: ShownCode | null, failure: Failure | null = null, always = false): void {
    const shown = this.#shown;
    // The number only ever stands beside the code it was drawn for.
    const match = code ? this.#match : null;
    if (!always && shown.status === status && shown.code === code && shown.match === match && shown.failure === failure) return;
    this.#shown = { status, code, match, failure };
    this.#deps.show(this.#shown);
  }
}
