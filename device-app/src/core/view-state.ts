import type { BrowserSignInFailure } from './desktop-sign-in';

/**
 * What the renderer is told, and what it may ask for. Plain, serialisable data (it crosses
 * Electron's IPC by structured clone) and, by construction, never a token: the controller keeps
 * tokens to itself and only ever publishes these shapes.
 */

/** A code on screen (RFC 8628 §3.3): what to show and until when. */
export interface ShownCode {
  /** The user code grouped for reading, `XXXX-XXXX` (RFC 8628 §6.1). */
  userCode: string;
  /** The code spelled out for screen readers: `W D J B, M J H T`. */
  spokenCode: string;
  /** Short URL to type by hand (RFC 8628 §3.3). */
  verificationUri: string;
  /**
   * What the QR encodes: `verification_uri_complete` when the server sent one (RFC 8628
   * §3.3.1), otherwise `verification_uri` (the person then types the code).
   */
  qrUri: string;
  /** Whether `qrUri` already carries the code, so scanning is all the person has to do. */
  qrIncludesCode: boolean;
  /** When the code expires, epoch milliseconds. */
  expiresAt: number;
}

/**
 * - `connecting`: finding the server and asking it for a code (nothing to show yet).
 * - `waiting`: a code is on screen; polling until the person approves (RFC 8628 §3.4).
 * - `opened`: the push channel says the person has the code's page open on their phone.
 * - `reconnecting`: the server cannot be reached; retrying with back-off, the code (if any) stays.
 * - `renewing`: the code expired; getting a new one by itself.
 * - `expired`: codes expired too many times in a row; a key press starts again.
 * - `denied`: the person pressed Deny (RFC 8628 §3.5 `access_denied`); "Start again".
 * - `failed`: the server refused this client or answered nonsense; "Start again".
 */
export type PairingStatus = 'connecting' | 'waiting' | 'opened' | 'reconnecting' | 'renewing' | 'expired' | 'denied' | 'failed';

/** Something the person should know that is not a state of the flow. */
export type Notice =
  /** Only plaintext storage is available (Linux `basic_text`), so the sign-in was kept in memory only. */
  | 'vault-plaintext-refused'
  /** OS encryption is not available at all; the sign-in was kept in memory only. */
  | 'vault-unavailable'
  /** Signing out could not reach the server: this device forgot the sign-in, and tells the server when it can. */
  | 'sign-out-offline';

/**
 * Why pairing failed, as a category the renderer can word; never a server's free text, which
 * could say anything.
 */
export type Failure = 'client-rejected' | 'bad-response' | 'id-token-invalid' | 'unknown';

/**
 * Desktop mode's "Sign in with your browser" screen (Authorization Code + PKCE, RFC 8252):
 * - `ready`: the button; nothing under way.
 * - `starting`: finding the server and opening the browser.
 * - `waiting`: the browser is open; the person signs in there (Cancel stops it).
 * - `finishing`: the browser came back; checking the answer and redeeming the code.
 * - `failed`: it did not work (`failure` says why); "Try again".
 */
export type BrowserSignInStatus = 'ready' | 'starting' | 'waiting' | 'finishing' | 'failed';

/** Why a browser sign-in failed; `cancelled` is not a failure (the screen simply goes back to ready). */
export type BrowserFailure = Exclude<BrowserSignInFailure, 'cancelled'>;

/**
 * One row of "Your devices" (the devices API, read by the controller with the access token):
 * display text only — no grant id, no token.
 */
export interface ShownDevice {
  /** The name the device was approved with (`device_name`), else the app's name. */
  name: string;
  /** The app's name when `name` is the device's own; null when `name` already is the app. */
  app: string | null;
  /** The sign-in this very screen is using. */
  current: boolean;
}

/** Most rows the signed-in screen shows; the rest are counted ("and 3 more"). */
export const MAX_SHOWN_DEVICES = 3;

/**
 * The signed-in screen's device list:
 * - `loading`: the first call is under way (nothing shown yet).
 * - `ready`: up to `MAX_SHOWN_DEVICES` rows (this device first), and how many more there are.
 * - `unavailable`: the call failed (network, server); a small note, the rest of the screen works.
 */
export type ShownDevices = { status: 'loading' } | { status: 'ready'; items: ShownDevice[]; more: number } | { status: 'unavailable' };

export type ViewState =
  | {
      screen: 'browser-sign-in';
      status: BrowserSignInStatus;
      failure: BrowserFailure | null;
      notice: Notice | null;
    }
  | {
      screen: 'pairing';
      status: PairingStatus;
      code: ShownCode | null;
      /**
       * Number matching (RFC 10027 "authentication code"): the two-digit number the person is
       * asked to pick on their phone, shown beside the code; null when the server asks for none.
       * Not a secret: it is on screen for whoever stands in front of it.
       */
      match: string | null;
      failure: Failure | null;
      notice: Notice | null;
    }
  | {
      screen: 'signed-in';
      /** Display name from the verified ID token or /userinfo; null when the server gave none. */
      name: string | null;
      signingOut: boolean;
      notice: Notice | null;
      /** The person's devices; null when the server offers no devices API (or it answered 403/404). */
      devices: ShownDevices | null;
    };

/** What the renderer can ask the controller to do. */
export type Command =
  /** "Start again" (after denied, failed, or repeated expiry) or any key on the expired screen. */
  | { type: 'restart' }
  | { type: 'sign-out' }
  /** Desktop mode: "Sign in with your browser" (or "Try again"). */
  | { type: 'sign-in' }
  /** Desktop mode: stop waiting for the browser. */
  | { type: 'cancel' };

export function isCommand(value: unknown): value is Command {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return (type === 'restart' || type === 'sign-out' || type === 'sign-in' || type === 'cancel') && Object.keys(value).length === 1;
}
