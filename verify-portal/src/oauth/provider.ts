import { defaults, type ProviderSettings } from '../defaults';
import { noDeviceFlowMetrics, type DeviceFlowMetrics } from '../observability/device-flow-metrics';
import { logUnexpected } from '../observability/logger';
import type { Store } from '../store/store';
import { cachedClients } from './client-cache';
import { decideAuthorization, withdrawConsent, type ConsentDecision, type ConsentOutcome } from './authorization/decide';
import { findPendingAuthorization, type PendingAuthorization } from './authorization/interaction';
import { resolveRedirectTarget } from './authorization/request';
import { noSessions, type SessionReader } from './authorization/sessions';
import type { CoreContext } from './context';
import { approve, deny, lookupUserCode, openConfirmation, type ApprovalResult, type Approver, type ConfirmationResult, type DecisionResult } from './device-decisions';
import { createInProcessDeviceEvents, type DeviceEvents } from './device-events';
import type { OAuthRequest, OAuthResponse } from './http/types';
import { route } from './router';
import { disownSignIn, endSignIn } from './sign-ins';
import type { KeyEncryption } from './tokens/key-encryption';
import { startPurgeLoop } from './purge-loop';
import { createKeyRing, type KeyRing } from './tokens/keys';

export interface ProviderOptions {
  store: Store;
  /** Public base URL, no trailing slash. */
  issuer: string;
  settings?: Partial<ProviderSettings>;
  events?: DeviceEvents;
  /** The portal's sign-in sessions, read by the authorization endpoint. Default: nobody signed in. */
  sessions?: SessionReader;
  /** Scopes of the APIs (resource servers) this server issues tokens for, beyond the OIDC ones; discovery lists them. */
  apiScopes?: readonly string[];
  /** Seals the private signing keys in the store (`PAIRGATE_KEY_ENCRYPTION_KEY`). Default: plaintext. */
  keyEncryption?: KeyEncryption;
  /** Counts device-code outcomes for `/metrics` (see observability/portal-metrics.ts). Default: not counted. */
  metrics?: DeviceFlowMetrics;
  now?: () => number;
  /** Where unexpected errors go (they never reach the client). Default: the process's logger. */
  onUnexpectedError?: (err: unknown) => void;
}

export interface Provider {
  readonly context: CoreContext;
  readonly keys: KeyRing;
  /** Serves one OAuth request (see `http/node-adapter.ts` and `http/fetch-adapter.ts`). */
  handle(req: OAuthRequest): Promise<OAuthResponse>;
  lookupUserCode(typed: string): Promise<DecisionResult>;
  /** A phone shows the confirm screen: what it asks by the client's proximity policy (the device is told). */
  openConfirmation(userCode: string, phoneAddress: string): Promise<ConfirmationResult>;
  /** Approve, from the phone's address (unknown: not near) with the number picked on a number-matching step. */
  approve(userCode: string, userId: string, from?: Omit<Approver, 'userId'>): Promise<ApprovalResult>;
  deny(userCode: string): Promise<DecisionResult>;
  /** Sign-out of one sign-in: revoked, and its device told at once. False if it was unknown or already over. */
  endSignIn(grantId: string): Promise<boolean>;
  /** "This wasn't me": ends everything this person's approval (by its grant id) issued, told to the device. */
  disownSignIn(grantId: string, userId: string): Promise<boolean>;
  /** The authorization request waiting on the consent screen, if it is this person's and still open. */
  pendingAuthorization(requestId: string, userId: string): Promise<PendingAuthorization | undefined>;
  /** Allow or Cancel on the consent screen: where to send the browser (the client's redirect URI). */
  decideAuthorization(requestId: string, userId: string, decision: ConsentDecision): Promise<ConsentOutcome>;
  /** Withdraws a remembered consent and signs that app out; false if there was none. */
  withdrawConsent(userId: string, clientId: string): Promise<boolean>;
  /**
   * The redirect URI an authorization request (its parameters) would answer to, when its client
   * and redirect URI check out (RFC 6749 §4.1.2.1); undefined otherwise. For the portal's CSP.
   */
  redirectUriOf(params: URLSearchParams): Promise<string | undefined>;
  /** Stops background work (the purge timer). Does not close the store. */
  close(): void;
}

/** Builds the authorization server core on a migrated store. */
export function createProvider(options: ProviderOptions): Provider {
  const now = options.now ?? Date.now;
  const settings: ProviderSettings = { ...defaults, ...options.settings };
  const keys = createKeyRing(options.store, settings.keyCacheSeconds, now, options.keyEncryption);
  const context: CoreContext = {
    store: options.store,
    clients: cachedClients(options.store, settings.clientCacheSeconds * 1000, now),
    issuer: options.issuer.replace(/\/$/, ''),
    settings,
    keys,
    events: options.events ?? createInProcessDeviceEvents(),
    sessions: options.sessions ?? noSessions,
    apiScopes: options.apiScopes ?? [],
    metrics: options.metrics ?? noDeviceFlowMetrics,
    now,
  };
  const onUnexpected = options.onUnexpectedError ?? logUnexpected;

  // Expired codes, tokens, sessions and limit counters are dead weight; sweep them now and then.
  const purge = startPurgeLoop(() => context.store.purgeExpired(now(), settings.expiredCodeGraceSeconds * 1000), settings.purgeIntervalSeconds * 1000, onUnexpected);

  return {
    context,
    keys,
    handle: (req) => route(context, req, onUnexpected),
    lookupUserCode: (typed) => lookupUserCode(context, typed),
    openConfirmation: (userCode, phoneAddress) => openConfirmation(context, userCode, phoneAddress),
    approve: (userCode, userId, from = {}) => approve(context, userCode, { ...from, userId }),
    deny: (userCode) => deny(context, userCode),
    endSignIn: (grantId) => endSignIn(context, grantId, now()),
    disownSignIn: (grantId, userId) => disownSignIn(context, grantId, userId),
    pendingAuthorization: (requestId, userId) => findPendingAuthorization(context, requestId, userId),
    decideAuthorization: (requestId, userId, decision) => decideAuthorization(context, requestId, userId, decision),
    withdrawConsent: (userId, clientId) => withdrawConsent(context, userId, clientId),
    redirectUriOf: (params) => resolveRedirectTarget(context.store, params).then((t) => t.redirectUri, () => undefined),
    close: () => purge.stop(),
  };
}
