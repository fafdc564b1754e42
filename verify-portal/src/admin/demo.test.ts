import { GrantType } from '@pairgate/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEVICES_API } from '../api/devices';
import { openSqliteStore } from '../store/sqlite';
import type { Store } from '../store/store';
import { needsRehash, verifyPassword } from '../crypto/password';
import { DEMO_PASSWORD_HASH, demo, grantDemoClientsApiAccess, seedDemo } from './demo';

let store: Store;
beforeEach(async () => {
  store = openSqliteStore(':memory:');
  await store.migrate();
});
afterEach(() => store.close());

describe('demo seeding and the example API', () => {
  it('seeds the demo user with the precomputed hash of the public demo password (one real check at full cost)', async () => {
    await seedDemo(store, 1000);
    const user = await store.findUserByEmail(demo.user.email);
    expect(user?.passwordHash).toBe(DEMO_PASSWORD_HASH);
    expect(await verifyPassword(demo.user.password, DEMO_PASSWORD_HASH)).toBe(true);
    // At today's cost: a new cost needs a new constant (or the demo's first sign-in pays a rehash).
    expect(needsRehash(DEMO_PASSWORD_HASH)).toBe(false);
  });

  it('a fresh seed lets both demo clients ask for devices:read and get tokens for the API', async () => {
    await seedDemo(store, 1000);
    for (const id of [demo.kioskClientId, demo.desktopClientId]) {
      expect(await store.findClient(id)).toMatchObject({ scopes: expect.arrayContaining([DEVICES_API.scope]), allowedAudiences: [DEVICES_API.audience] });
    }
  });

  it('an older database: start adds the scope and API to the demo clients, keeping the rest; seed-demo keeps what an admin added', async () => {
    await store.upsertClient({
      clientId: demo.kioskClientId, name: 'Renamed TV', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null,
      grantTypes: [GrantType.DeviceCode], redirectUris: [], scopes: ['openid', 'photos:read'], firstParty: true, createdAt: 5,
    });
    await grantDemoClientsApiAccess(store);
    expect(await store.findClient(demo.kioskClientId)).toMatchObject({
      name: 'Renamed TV', createdAt: 5, grantTypes: [GrantType.DeviceCode], scopes: ['openid', 'photos:read', DEVICES_API.scope], allowedAudiences: [DEVICES_API.audience],
    });
    expect(await store.findClient(demo.desktopClientId)).toBeUndefined();

    await seedDemo(store, 1000);
    const kiosk = await store.findClient(demo.kioskClientId);
    expect(kiosk).toMatchObject({ name: 'Pairgate TV', createdAt: 5, grantTypes: [GrantType.DeviceCode, GrantType.RefreshToken] });
    expect(kiosk?.scopes).toContain('photos:read');
  });
});
