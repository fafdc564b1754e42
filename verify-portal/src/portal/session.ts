/**
 * Portal sessions and CSRF tokens, framework-free (used by the form handlers and, through
 * `page-session.ts`, by the pages).
 *
 * - The session cookie holds a random 256-bit id; the store keeps only its SHA-256.
 * - Before sign-in, the login form is protected by a pre-session cookie (another random
 *   256-bit value, set by the custom server on GET /login; nothing is stored for it).
 * - A CSRF token is HMAC-SHA256 keyed with the cookie's secret: bound to that one session, not
 *   computable by another site (which can neither read the HttpOnly cookie nor the page), and
 *   not revealing the cookie itself when the page is seen. Checked in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashSecret } from '../crypto/hash';
import type { SessionRecord, Store } from '../store/store';
import { portalDefaults } from './defaults';
import { parseCookies, serializeCookie } from './http/cookies';

export interface CookieNames {
  session: string;
  preSession: string;
}

/**
 * `__Host-` (RFC 6265bis §4.1.3.2) pins a cookie to this exact host, path `/` and https, so a
 * sibling subdomain cannot plant a session or pre-session cookie. Browsers only accept the
 * prefix with `Secure`, so plain-http (local) deployments use unprefixed names.
 */
export function cookieNames(secure: boolean): CookieNames {
  return secure
    ? { session: '__Host-pairgate-session', preSession: '__Host-pairgate-pre' }
    : { session: 'pairgate-session', preSession: 'pairgate-pre' };
}

/** 256 bits from the CSPRNG, base64url (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A cookie value we could have issued; anything else is ignored without a store look-up. */
export function isWellFormedSecret(value: string | undefined): value is string {
  return typeof value === 'string' && SECRET_SHAPE.test(value);
}

export type CsrfPurpose = 'session' | 'login';

export function csrfToken(secret: string, purpose: CsrfPurpose): string {
  return createHmac('sha256', secret).update(`pairgate-csrf:${purpose}`).digest('base64url');
}

/** Constant-time comparison of a submitted token with the one this secret gives. */
export function checkCsrf(secret: string | undefined, purpose: CsrfPurpose, submitted: string | null | undefined): boolean {
  if (!isWellFormedSecret(secret) || typeof submitted !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, purpose));
  const actual = Buffer.from(submitted);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** What the confirm and result pages need, kept server-side so no code rides in a URL. */
export type ActivateResult =
  | { kind: 'approved' | 'denied'; deviceName: string | null; deviceModel: string | null; clientName: string }
  /** `refused` by the client's proximity policy, `wrong-number` picked, `disowned` by "This wasn't me" (issue 13). */
  | { kind: 'expired' | 'replaced' | 'already-approved' | 'already-denied' | 'used' | 'unknown' | 'refused' | 'wrong-number' | 'disowned' };

export interface SessionData {
  /** Canonical user code on the confirm screen. */
  confirming?: string;
  /** The code this session last decided on, so a second submit of that screen is explained. */
  decided?: string;
  /** Outcome of the last decision, for /activate/done. */
  result?: ActivateResult;
  /** The grant id of the approval this session just made, for "This wasn't me" on /activate/done (never rendered). */
  approvedGrant?: string;
  /** One-shot message for the next page view. */
  flash?: 'wrong-code' | 'not-a-code' | 'device-signed-out' | 'device-disowned' | 'device-not-found' | 'signed-out-everywhere' | 'consent-withdrawn' | 'consent-not-found';
  /** What was typed with a wrong code, put back in the input with that one-shot message. */
  typedCode?: string;
}

const RESULT_KINDS = new Set(['approved', 'denied', 'expired', 'replaced', 'already-approved', 'already-denied', 'used', 'unknown', 'refused', 'wrong-number', 'disowned']);
const FLASHES = new Set(['wrong-code', 'not-a-code', 'device-signed-out', 'device-disowned', 'device-not-found', 'signed-out-everywhere', 'consent-withdrawn', 'consent-not-found']);
/** A canonical user code: 8 letters, or 9 digits for a client with digit codes. */
const CANONICAL_CODE = /^(?:[A-Z]{8}|[0-9]{9})$/;
const GRANT_ID = /^[A-Za-z0-9-]{1,64}$/;
/** The code input's own `maxLength`; printable characters only. */
const TYPED_CODE = /^[\x20-\x7e]{1,32}$/;

/** Parses the stored JSON defensively: unknown fields and malformed values are dropped. */
export function parseSessionData(json: string): SessionData {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const data: SessionData = {};
  if (typeof r.confirming === 'string' && CANONICAL_CODE.test(r.confirming)) data.confirming = r.confirming;
  if (typeof r.decided === 'string' && CANONICAL_CODE.test(r.decided)) data.decided = r.decided;
  if (typeof r.approvedGrant === 'string' && GRANT_ID.test(r.approvedGrant)) data.approvedGrant = r.approvedGrant;
  if (typeof r.flash === 'string' && FLASHES.has(r.flash)) data.flash = r.flash as SessionData['flash'];
  if (typeof r.typedCode === 'string' && TYPED_CODE.test(r.typedCode)) data.typedCode = r.typedCode;
  const result = r.result as Record<string, unknown> | undefined;
  if (result && typeof result === 'object' && typeof result.kind === 'string' && RESULT_KINDS.has(result.kind)) {
    if (result.kind === 'approved' || result.kind === 'denied') {
      data.result = {
        kind: result.kind,
        deviceName: typeof result.deviceName === 'string' ? result.deviceName : null,
        deviceModel: typeof result.deviceModel === 'string' ? result.deviceModel : null,
        clientName: typeof result.clientName === 'string' ? result.clientName : '',
      };
    } else {
      data.result = { kind: result.kind as Exclude<ActivateResult['kind'], 'approved' | 'denied'> };
    }
  }
  return data;
}

export interface ActiveSession {
  /** The cookie's secret (never stored, never logged). */
  secret: string;
  record: SessionRecord;
  data: SessionData;
}

/** The session a request's cookies point at, if it exists and has not expired. */
export async function loadSession(store: Store, cookieHeader: string | undefined, names: CookieNames, now: number): Promise<ActiveSession | undefined> {
  const secret = parseCookies(cookieHeader).get(names.session);
  return sessionFromSecret(store, secret, now);
}

export async function sessionFromSecret(store: Store, secret: string | undefined, now: number): Promise<ActiveSession | undefined> {
  if (!isWellFormedSecret(secret)) return undefined;
  const record = await store.findSession(hashSecret(secret), now);
  return record && { secret, record, data: parseSessionData(record.data) };
}

/**
 * Starts a fresh session (always a new id: signing in never reuses a cookie value, so no
 * fixation). The person's oldest session goes when this one is past the per-account cap.
 */
export async function createSession(store: Store, userId: string, now: number, ttlMs: number): Promise<{ secret: string; record: SessionRecord }> {
  const secret = newSecret();
  const record: SessionRecord = { idHash: hashSecret(secret), userId, authTime: now, createdAt: now, expiresAt: now + ttlMs, data: '{}' };
  await store.createSession(record, portalDefaults.maxSessionsPerAccount);
  return { secret, record };
}

export async function saveSessionData(store: Store, session: ActiveSession, data: SessionData, now: number): Promise<void> {
  await store.updateSessionData(session.record.idHash, JSON.stringify(data), now);
}

export function sessionCookie(names: CookieNames, secret: string, ttlMs: number, secure: boolean): string {
  return serializeCookie(names.session, secret, { maxAge: ttlMs / 1000, secure });
}

export function clearCookie(name: string, secure: boolean): string {
  return serializeCookie(name, '', { maxAge: 0, secure });
}

/** The pre-session cookie: a browser-session cookie, lives until the browser closes or sign-in. */
export function preSessionCookie(names: CookieNames, secret: string, secure: boolean): string {
  return serializeCookie(names.preSession, secret, { secure });
}
