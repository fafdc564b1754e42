/**
 * One in-process portal for the portal's unit tests: a real SQLite `:memory:` store, the real
 * OAuth core on a clock the test moves (`portal.now`) with in-process device events, the page
 * loaders and the form context as the custom server builds them, and signed-in sessions with
 * their CSRF tokens. `usePortal()` opens a fresh one before each test and closes it after.
 */
import { GrantType } from '@pairgate/shared';
import { afterEach, beforeEach, expect } from 'vitest';
import { hashSecret } from '../crypto/hash';
import { TEST_PASSWORD_HASH, TEST_SCRYPT_LOG2N } from '../crypto/test-support';
import { createInProcessDeviceEvents, type DeviceEvent, type DeviceEvents } from '../oauth/device-events';
import { createProvider, type Provider } from '../oauth/provider';
import { openSqliteStore } from '../store/sqlite';
import type { ClientRegistration, DeviceCodeRecord, Store } from '../store/store';
import { portalDefaults } from './defaults';
import { formHandlerFor } from './forms/index';
import type { FormContext, FormResult } from './forms/types';
import { createPortalLoaders } from './loaders/index';
import type { PageRequest, PortalLoaders } from './loaders/types';
import { portalSessionReader } from './oauth-sessions';
import { cookieNames, createSession, csrfToken, newSecret, parseSessionData, type SessionData } from './session';

/** The clock's start: a whole minute, so a window boundary for every rate-limit rule. */
export const T0 = Date.UTC(2026, 0, 1, 12);
export const ISSUER = 'http://portal.test';
/** Where the device asked from, and a phone on the same network (net/address.ts: same /24). */
export const DEVICE_IP = '198.51.100.77';
export const PHONE_IP = '198.51.100.1';
export const names = cookieNames(false);

/** A first-party device-flow app, as the admin CLI registers one. */
export const TV_CLIENT: ClientRegistration = {
  clientId: 'tv', name: 'Pairgate TV', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null,
  grantTypes: [GrantType.DeviceCode, GrantType.RefreshToken], redirectUris: [], scopes: ['openid', 'offline_access'], firstParty: true, createdAt: T0,
};

export interface PortalOptions {
  /** Who has an account (default: Ada, `u1`). */
  users?: Array<{ id: string; email: string; name: string }>;
  /**
   * The accounts' passwords are checked (/login): they get `TEST_PASSWORD_HASH` (the password
   * `TEST_PASSWORD`, at the tests' scrypt cost). Otherwise a placeholder hash: no scrypt at all.
   */
  checksPasswords?: boolean;
  /** Registered clients (default: `TV_CLIENT`). */
  clients?: ClientRegistration[];
}

/** A signed-in browser: its session cookie (as a jar and as a header), the session's id hash, its forms' CSRF token. */
export interface SignedIn {
  secret: string;
  idHash: string;
  csrf: string;
  cookies: Record<string, string>;
  cookie: string;
}

export class TestPortal {
  store!: Store;
  provider!: Provider;
  events!: DeviceEvents;
  loaders!: PortalLoaders;
  ctx!: FormContext;
  /** The clock of the core, the loaders and the forms: a test moves it by assigning. */
  now = T0;

  constructor(private readonly options: PortalOptions = {}) {}

  async open(): Promise<void> {
    this.now = T0;
    const store = openSqliteStore(':memory:');
    await store.migrate();
    const passwordHash = this.options.checksPasswords ? TEST_PASSWORD_HASH : 'unused';
    for (const user of this.options.users ?? [{ id: 'u1', email: 'ada@example.com', name: 'Ada' }]) {
      await store.createUser({ ...user, passwordHash, createdAt: T0 });
    }
    for (const client of this.options.clients ?? [TV_CLIENT]) await store.upsertClient(client);
    const now = () => this.now;
    this.store = store;
    this.events = createInProcessDeviceEvents();
    this.provider = createProvider({ store, issuer: ISSUER, events: this.events, now, sessions: portalSessionReader(store, false, now), onUnexpectedError: () => {} });
    this.loaders = createPortalLoaders({ store, provider: this.provider, secure: false });
    // scrypt at the fixtures' cost (2^10): a password check is real, its cost is not, and a
    // fixture hash is never "weaker than configured" (no rehash at today's cost).
    this.ctx = { store, provider: this.provider, secure: false, names, settings: { ...portalDefaults, scryptLog2N: TEST_SCRYPT_LOG2N } };
  }

  async close(): Promise<void> {
    this.provider.close();
    await this.store.close();
  }

  /** A fresh session for `userId`, as POST /login makes one. */
  signedIn = async (userId = 'u1'): Promise<SignedIn> => {
    const { secret, record } = await createSession(this.store, userId, this.now, portalDefaults.sessionTtlMs);
    return { secret, idHash: record.idHash, csrf: csrfToken(secret, 'session'), cookies: { [names.session]: secret }, cookie: `${names.session}=${secret}` };
  };

  /** A form POST to `path`, as the custom server hands it to the form handlers. */
  post = (path: string, form: Record<string, string>, cookies: Record<string, string> = {}, clientIp = PHONE_IP): Promise<FormResult> => {
    const handler = formHandlerFor(path);
    if (!handler) throw new Error(`no handler for ${path}`);
    return handler(this.ctx, { path, form: new URLSearchParams(form), cookies: new Map(Object.entries(cookies)), clientIp, now: this.now });
  };

  /** A page view (GET) with this session cookie, if any. */
  request = (sessionSecret: string | undefined, clientIp = PHONE_IP): PageRequest => ({ sessionSecret, preSessionSecret: undefined, clientIp, now: this.now });

  /** A live device code of `tv` (code `BCDF-GHJK`), as POST /oauth/device/code stores it. */
  deviceCode = async (over: Partial<DeviceCodeRecord> = {}): Promise<DeviceCodeRecord> => {
    const record: DeviceCodeRecord = {
      deviceCodeHash: hashSecret(newSecret()), userCode: 'BCDFGHJK', clientId: 'tv', scope: 'openid offline_access',
      deviceName: 'Living room TV', deviceModel: null, clientIp: DEVICE_IP, createdAt: this.now, expiresAt: this.now + 600_000,
      interval: 5, lastPolledAt: null, status: 'pending', userId: null, decidedAt: null, ...over,
    };
    expect(await this.store.insertDeviceCode(record)).toBe(true);
    return record;
  };

  /** Every event the device waiting on `record` is told from now on. */
  heard = (record: DeviceCodeRecord): DeviceEvent[] => {
    const seen: DeviceEvent[] = [];
    this.events.subscribe(record.deviceCodeHash, (event) => seen.push(event));
    return seen;
  };

  /** What the session with this id hash carries between pages. */
  sessionData = async (idHash: string): Promise<SessionData> => parseSessionData((await this.store.findSession(idHash, this.now))?.data ?? '{}');
}

/** A `TestPortal` opened before each test of the file and closed after it. */
export function usePortal(options: PortalOptions = {}): TestPortal {
  const portal = new TestPortal(options);
  beforeEach(() => portal.open());
  afterEach(() => portal.close());
  return portal;
}
