import { GrantType } from '@pairgate/shared';
import { hashSecret } from '../crypto/hash';
import { hashPassword } from '../crypto/password';
import { openSqliteStore } from '../store/sqlite';
import type { Store, UserRecord } from '../store/store';
import { serveFetch } from './http/fetch-adapter';
import { createProvider, type Provider } from './provider';

export const ISSUER = 'https://pairgate.test';
export const CONFIDENTIAL_SECRET = 'confidential-secret-0123456789abcdef';

/**
 * An in-process core on a real (in-memory) SQLite store with a clock the test moves, reached
 * through the Fetch adapter: fast unit tests of the endpoints' rules.
 */
export async function createTestCore(): Promise<{
  store: Store;
  core: Provider;
  user: UserRecord;
  clock: { now: number; advance(seconds: number): void };
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;
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
  const user: UserRecord = { id: 'user-1', email: 'ada@example.com', name: 'Ada', passwordHash: await hashPassword('unused-password'), createdAt: clock.now };
  await store.createUser(user);
  const base = { redirectUris: [], scopes: ['openid', 'profile', 'email', 'offline_access'], firstParty: true, createdAt: clock.now };
  await store.upsertClient({ ...base, clientId: 'tv', name: 'TV', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null, grantTypes: [GrantType.DeviceCode, GrantType.RefreshToken] });
  await store.upsertClient({ ...base, clientId: 'other-tv', name: 'Other TV', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null, grantTypes: [GrantType.DeviceCode] });
  await store.upsertClient({ ...base, clientId: 'box', name: 'Box', type: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic', secretHash: hashSecret(CONFIDENTIAL_SECRET), grantTypes: [GrantType.DeviceCode, GrantType.RefreshToken] });
  await store.upsertClient({ ...base, clientId: 'box-post', name: 'Box (post)', type: 'confidential', tokenEndpointAuthMethod: 'client_secret_post', secretHash: hashSecret(CONFIDENTIAL_SECRET), grantTypes: [GrantType.DeviceCode] });
  const core = createProvider({ store, issuer: ISSUER, now: () => clock.now, onUnexpectedError: () => {} });

  async function call(request: Request) {
    const response = await serveFetch(core.handle, request, '203.0.113.7');
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }
  return {
    store,
    core,
    user,
    clock,
    post: (path, form, headers = {}) =>
      call(new Request(`${ISSUER}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) })),
    get: (path, headers = {}) => call(new Request(`${ISSUER}${path}`, { headers })),
    async close() {
      core.close();
      await store.close();
    },
  };
}
