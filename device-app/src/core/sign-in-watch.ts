/**
 * Once signed in: the push channel's `watch` (`shared/src/push.ts`), so that a sign-in ended
 * elsewhere — "Sign out this device" or "This wasn't me" on the phone, "Sign out everywhere
 * else", a new pairing of this device — reaches the screen within a second, instead of at the
 * next refresh (up to 8 minutes with 10-minute access tokens). A hint like the rest of push: a
 * refresh refused with `invalid_grant` still ends the sign-in, and where the server offers no
 * channel nothing changes.
 *
 * One connection for the life of the sign-in (the server keeps a watch as long as the sign-in,
 * not the access token it was opened with, so refreshes need no new one):
 *
 *   {type:'session', status:'active'}   the watch is in place
 *   {type:'session', status:'ended'}    the sign-in is over: forget it, show a new code
 *   close 1008                          the token was refused (expired while the channel was
 *                                       down, or the sign-in has ended): refresh — invalid_grant
 *                                       ends the sign-in — and watch again with the new token
 *   close 1013, 1001, or a drop         watch again after a back-off (with jitter, so a restarted
 *                                       server is not met by every screen in the same second)
 */
import { backoffDelay, parsePushServerMessage, serializePushMessage, type AuthorizationServerMetadata, type Sleep } from '@pairgate/shared';
import type { Connection } from './connection';
import { describeError, type Log } from './diagnostics';
import { defaultWebSocketFactory, pushEndpoint, type WebSocketFactory, type WebSocketLike } from './push-hint';
import type { RefreshOutcome } from './session';

/** RFC 6455 §7.4.1: "policy violation", the server's answer to a token it does not accept. */
const POLICY_VIOLATION = 1008;
/** RFC 6455 §7.1.5: the code a connection that dropped without a close frame reports. */
const ABNORMAL_CLOSURE = 1006;
/** Reconnects back off from 1 s to a minute. */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 60_000;

export interface SignInWatchDeps {
  /** The platform's WebSocket when undefined; null for none. */
  webSocket: WebSocketFactory | null | undefined;
  /** The session's access token now (it changes with every refresh); undefined once it is gone. */
  accessToken(): string | undefined;
  /** One refresh (shared with any already in flight); `signed-out` has already ended the sign-in. */
  refresh(): Promise<RefreshOutcome>;
  /** The server says the sign-in is over. */
  ended(): void;
  sleep: Sleep;
  log: Log;
  /** In [0, 1), for the jitter; default `Math.random`. */
  random?: () => number;
}

/** How one connection ended. */
type WatchEnd = { ended: true } | { ended: false; code: number; active: boolean };

/** The controller's handle: one watch per signed-in phase, started once there is an access token. */
export class SignInWatch {
  readonly #connection: Connection;
  readonly #deps: SignInWatchDeps;
  /** The phase being watched. */
  #watched: AbortSignal | undefined;

  constructor(connection: Connection, deps: SignInWatchDeps) {
    this.#connection = connection;
    this.#deps = deps;
  }

  /** Starts watching for the phase `signal` belongs to, unless it already is (or there is nothing to watch with yet). */
  start(signal: AbortSignal): void {
    const metadata = this.#connection.metadata;
    if (this.#watched === signal || signal.aborted || !metadata || !this.#deps.accessToken()) return;
    this.#watched = signal;
    watchSignIn(metadata, this.#deps, signal).catch((error: unknown) => {
      if (!signal.aborted) this.#deps.log(`the sign-in watch stopped: ${describeError(error)}`);
    });
  }
}

/**
 * Watches the sign-in until it ends (then calls `ended`) or `signal` aborts. Returns at once when
 * the server advertises no channel or there is no WebSocket here.
 */
export async function watchSignIn(metadata: AuthorizationServerMetadata, deps: SignInWatchDeps, signal: AbortSignal): Promise<void> {
  const url = pushEndpoint(metadata);
  const create = deps.webSocket === undefined ? defaultWebSocketFactory() : deps.webSocket;
  if (!url || !create) return;
  const random = deps.random ?? Math.random;
  /** Connections in a row that did not get a watch in place (back-off), and refusals among them. */
  let attempt = 0;
  let refusals = 0;
  while (!signal.aborted) {
    const token = deps.accessToken();
    if (!token) return;
    const result = await watchOnce(create, url, token, signal);
    if (signal.aborted) return;
    if (result.ended) {
      deps.ended();
      return;
    }
    if (result.active) {
      attempt = 0;
      refusals = 0;
    }
    attempt += 1;
    if (result.code === POLICY_VIOLATION) {
      refusals += 1;
      deps.log('the sign-in watch refused the access token; refreshing');
      // Unless a background refresh has already replaced it, the token was stale: get a new one.
      if (deps.accessToken() === token) {
        const outcome = await deps.refresh();
        if (signal.aborted || outcome === 'signed-out' || outcome === 'not-signed-in') return;
      }
      // The first refusal is the expected one (the token expired while the channel was down):
      // straight back with the new token. Another one in a row waits like any failure.
      if (refusals === 1) continue;
    }
    const delay = backoffDelay(attempt, RETRY_BASE_MS, RETRY_MAX_MS, Infinity) * (0.5 + random() / 2);
    await deps.sleep(delay, signal);
  }
}

/** One connection: `watch` with this token, until the sign-in ends or the connection closes. */
function watchOnce(create: WebSocketFactory, url: string, accessToken: string, signal: AbortSignal): Promise<WatchEnd> {
  return new Promise((resolve) => {
    let socket: WebSocketLike | undefined;
    let active = false;
    let settled = false;
    const finish = (result: WatchEnd) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      try {
        socket?.close();
      } catch {
        // already closed
      }
      resolve(result);
    };
    const onAbort = () => finish({ ended: false, code: ABNORMAL_CLOSURE, active });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      socket = create(url);
    } catch {
      return finish({ ended: false, code: ABNORMAL_CLOSURE, active: false });
    }
    const opened = socket;
    // The token goes in the first message, never in the URL (URLs end up in logs).
    opened.onopen = () => opened.send(serializePushMessage({ type: 'watch', access_token: accessToken }));
    opened.onmessage = (event) => {
      const message = typeof event.data === 'string' ? parsePushServerMessage(event.data) : undefined;
      if (message?.type !== 'session') return;
      if (message.status === 'active') active = true;
      else finish({ ended: true });
    };
    // An error is followed by a close, which says what happened.
    opened.onerror = () => undefined;
    opened.onclose = (event) => finish({ ended: false, code: event?.code ?? ABNORMAL_CLOSURE, active });
  });
}
