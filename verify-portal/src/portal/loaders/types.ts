/**
 * What each portal page renders, as plain data: the loaders (this directory) compute it from
 * the store and the OAuth core, the pages (src/app) only render it. Nothing here is a store
 * record: no ids of sessions, no hashes, no secrets — only what a person may see on the page,
 * and the CSRF token of the page's own forms.
 */
import type { ActivateResult, CookieNames } from '../session';

/** What a page knows of its request. */
export interface PageRequest {
  /** The session cookie, if any (never rendered, never logged). */
  sessionSecret: string | undefined;
  /** The pre-session cookie that protects the sign-in form (see session.ts). */
  preSessionSecret: string | undefined;
  /** This request's client address, as the custom server determined it (portal/http/client-ip.ts). */
  clientIp: string;
  now: number;
}

/** The signed-in person, as the page header and "Signed in as …" show them. */
export interface Viewer {
  name: string;
  email: string;
  /** The CSRF token of this session's forms: an HMAC of the cookie, never the cookie. */
  csrf: string;
}

/** The page needs a signed-in person: the page sends the browser to /login and back. */
export type SignedOut = { kind: 'signed-out' };
/** The page is somewhere else now (e.g. the QR link has been taken to the confirm screen). */
export type GoTo = { kind: 'redirect'; location: string };

export type CodeProblem = { kind: 'wrong-code' } | { kind: 'not-a-code' } | { kind: 'too-many-tries'; retryAfterSeconds: number };

/** GET /activate: the code form (with what was typed, and why it was refused), or on to the next step. */
export type ActivateScreen = SignedOut | GoTo | { kind: 'form'; viewer: Viewer; prefill: string; problem: CodeProblem | undefined };

/** What the person checks before approving (RFC 8628 §3.3.1, §5.4). */
export interface ConfirmDetails {
  /** Canonical (`BCDFGHJK`): shown to compare with the screen, and posted back with the decision. */
  userCode: string;
  /** The device's own name and model, as it gave them at /oauth/device/code. */
  deviceName: string | null;
  deviceModel: string | null;
  /** The client's registered name. */
  appName: string;
  requestedAt: number;
  /** What the grant will get (a limited grant's fewer, see `limited`). */
  scopes: string[];
  /** The device's network against the phone's (net/address.ts); unknown when an address is missing. */
  network: 'same' | 'different' | 'unknown';
  /**
   * What the person is asked, by the client's proximity policy (oauth/proximity.ts): Approve /
   * Deny (`approve`), the same under a "different network" warning (`warn`), or pick the number
   * the screen shows (`match`, with `choices` in the order to show). A refusal is a result.
   */
  step: 'approve' | 'warn' | 'match';
  choices: string[] | undefined;
  /** Approved as things stand, the grant would be limited (fewer scopes, a shorter life). */
  limited: boolean;
}

/**
 * GET /activate/confirm: the code this session is confirming, or the outcome when it cannot be
 * decided (including a refusal by the client's proximity policy).
 */
export type ConfirmScreen =
  | SignedOut
  | { kind: 'result'; viewer: Viewer; result: ActivateResult | undefined }
  | { kind: 'confirm'; viewer: Viewer; details: ConfirmDetails; now: number };

/** GET /activate/done: the outcome of the last decision; after an approval, "This wasn't me" (`canDisown`). */
export type DoneScreen = SignedOut | { kind: 'result'; viewer: Viewer; result: ActivateResult | undefined; canDisown: boolean };

/** One signed-in device or app on "Devices and apps". */
export interface DeviceRow {
  /** What the sign-out form posts (the person's own grant; anyone else's is refused). */
  grantId: string;
  /** The device's own name; the model or the app's name when it gave none. */
  name: string;
  /** The app's name, when `name` is the device's own. */
  app: string | undefined;
  /** The model, when `name` is the device's own. */
  model: string | undefined;
  approvedAt: number;
  lastUsedAt: number | null;
  /** Where a device approval was made from (RFC 10027): near, remote (number matched or not), or unknown; absent for other sign-ins. */
  approvedFrom: 'near' | 'remote' | 'remote-matched' | 'unknown' | undefined;
  /** A limited grant: fewer permissions and a fixed end, for a remote approval without number matching. */
  limited: boolean;
}

/** One remembered consent on "Devices and apps". */
export interface AppRow {
  clientId: string;
  name: string;
  allowedAt: number;
  scopes: string[];
}

export type AccountNotice = 'device-signed-out' | 'device-disowned' | 'device-not-found' | 'signed-out-everywhere' | 'consent-withdrawn' | 'consent-not-found';

/** GET /account/devices. */
export type AccountOverview =
  | SignedOut
  | { kind: 'account'; viewer: Viewer; notice: AccountNotice | undefined; tokenMinutes: number; devices: DeviceRow[]; apps: AppRow[]; now: number };

/** GET /consent?request=…: the app asking, what it may do, where the answer goes — or that the request has ended. */
export type ConsentScreen =
  | SignedOut
  | { kind: 'gone'; viewer: Viewer }
  | {
      kind: 'consent';
      viewer: Viewer;
      requestId: string;
      appName: string;
      scopes: readonly string[];
      /** The redirect URI's host; undefined for an app on this computer (loopback, RFC 8252 §7.3, or a custom scheme). */
      returnsToHost: string | undefined;
    };

/** GET /login: who is signed in already (a re-authentication prefills the email), and the form's CSRF token. */
export interface LoginScreen {
  signedInEmail: string | undefined;
  /** Bound to the pre-session cookie; empty when there is none (the form then fails with "try again"). */
  csrf: string;
}

/** Every loader, as the custom server registers them for the pages (see bridge.ts). */
export interface PortalLoaders {
  readonly cookieNames: CookieNames;
  /** Who is signed in, for pages that only show the header (home, not found). */
  viewer(req: PageRequest): Promise<Viewer | undefined>;
  loginScreen(req: PageRequest): Promise<LoginScreen>;
  /** `linkCode`: the QR link's `user_code` (RFC 8628 §3.3.1 `verification_uri_complete`). */
  activateScreen(req: PageRequest, linkCode: string | undefined): Promise<ActivateScreen>;
  confirmScreen(req: PageRequest): Promise<ConfirmScreen>;
  doneScreen(req: PageRequest): Promise<DoneScreen>;
  accountOverview(req: PageRequest): Promise<AccountOverview>;
  consentScreen(req: PageRequest, requestId: string): Promise<ConsentScreen>;
}
