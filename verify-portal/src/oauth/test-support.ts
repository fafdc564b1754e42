import { GrantType } from '@pairgate/shared';
import { hashSecret } from '../crypto/hash';
import { TEST_PASSWORD_HASH, TEST_SCRYPT_LOG2N } from '../crypto/test-support';
import type { DeviceFlowMetrics } from '../observability/device-flow-metrics';
import { openSqliteStore } from '../store/sqlite';
import type { Store, UserRecord } from '../store/store';
import type { SessionReader, SignedInPerson } from './authorization/sessions';
import { serveFetch } from './http/fetch-adapter';
import { createProvider, type Provider } from './provider';

export const ISSUER = 'https://pairgate.test';
export const CONFIDENTIAL_SECRET = 'confidential-secret-0123456789abcdef';
/** The cookie the test core's fake portal session reader looks for. */
export const TEST_SESSION_COOKIE = 'test-session';

export interface TestResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON ({} when the response was not JSON). */
  body: Record<string, unknown>;
  text: string;
}

/**
 * An in-process core on a real (in-memory) SQLite store with a clock the test moves, reached
 * through the Fetch adapter: fast unit tests of the endpoints' rules.
 */
export async function createTestCore(options: { metrics?: DeviceFlowMetrics } = {}): Promise<{
  store: Store;
  core: Provider;
  user: UserRecord;
  clock: { now: number; advance(seconds: number): void };
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<TestResponse>;
  get(path: string, headers?: Record<string, string>): Promise<TestResponse>;
  /**
   * Signs a person in on the fake portal (default: `user`, now) and returns the Cookie header
   * that carries that session to /oauth/authorize.
   */
  signIn(person?: Partial<SignedInPerson>): { cookie: string };
  close(): Promise<void>;
}> {
  const store = openSqliteStore(':memory:');
  await store.migrate();
  const clock = {
    now: Date.UTC(2026, 0, 1),
    advance(seconds: number) {
      this.now += seconds * 1000;
    },
  };
  const user: UserRecord = { id: 'user-1', email: 'ada@example.com', name: 'Ada', passwordHash: TEST_PASSWORD_HASH, createdAt: clock.now };
  await store.createUser(user);
  const base = { redirectUris: [], scopes: ['openid', 'profile', 'email', 'offline_access'], firstParty: true, createdAt: clock.now };
  await store.upsertClient({ ...base, clientId: 'tv', name: 'TV', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null, grantTypes: [GrantType.DeviceCode, GrantType.RefreshToken] });
  await store.upsertClient({ ...base, clientId: 'other-tv', name: 'Other TV', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null, grantTypes: [GrantType.DeviceCode] });
  await store.upsertClient({ ...base, clientId: 'box', name: 'Box', type: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic', secretHash: hashSecret(CONFIDENTIAL_SECRET), grantTypes: [GrantType.DeviceCode, GrantType.RefreshToken] });
  // Authorization code clients: a first-party public app on loopback (RFC 8252 §7.3), a
  // third-party public app (consent), and a confidential web app.
  const code = { grantTypes: [GrantType.AuthorizationCode, GrantType.RefreshToken], createdAt: clock.now, scopes: base.scopes };
  await store.upsertClient({ ...code, clientId: 'desktop', name: 'Desktop', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null, redirectUris: ['http://127.0.0.1/callback', 'https://desktop.example/cb?tab=1'], firstParty: true });
  await store.upsertClient({ ...code, clientId: 'third-party', name: 'Photo Printer', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null, redirectUris: ['https://photos.example/cb'], scopes: ['openid', 'profile', 'offline_access'], firstParty: false });
  await store.upsertClient({ ...code, clientId: 'web', name: 'Web app', type: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic', secretHash: hashSecret(CONFIDENTIAL_SECRET), redirectUris: ['https://web.example/cb'], firstParty: true });
  await store.upsertClient({ ...base, clientId: 'box-post', name: 'Box (post)', type: 'confidential', tokenEndpointAuthMethod: 'client_secret_post', secretHash: hashSecret(CONFIDENTIAL_SECRET), grantTypes: [GrantType.DeviceCode] });
  // A stand-in for the portal's session cookie: an opaque token → who and since when.
  const people = new Map<string, SignedInPerson>();
  const sessions: SessionReader = {
    async current(req) {
      const token = /(?:^|;\s*)test-session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      return token ? people.get(token) : undefined;
    },
  };
  const core = createProvider({ store, issuer: ISSUER, now: () => clock.now, sessions, metrics: options.metrics, settings: { scryptLog2N: TEST_SCRYPT_LOG2N }, onUnexpectedError: () => {} });

  async function call(request: Request): Promise<TestResponse> {
    const response = await serveFetch(core.handle, request, '203.0.113.7');
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
    return { status: response.status, headers: response.headers, body: (json && text ? JSON.parse(text) : {}) as Record<string, unknown>, text };
  }
  return {
    store,
    core,
    user,
    clock,
    post: (path, form, headers = {}) =>
      call(new Request(`${ISSUER}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) })),
    get: (path, headers = {}) => call(new Request(`${ISSUER}${path}`, { headers, redirect: 'manual' })),
    signIn(person = {}) {
      const token = crypto.randomUUID();
      people.set(token, { userId: person.userId ?? user.id, authTime: person.authTime ?? clock.now });
      return { cookie: `${TEST_SESSION_COOKIE}=${token}` };
    },
    async close() {
      core.close();
      await store.close();
    },
  };
}
