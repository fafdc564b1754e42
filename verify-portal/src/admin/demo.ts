import { GrantType } from '@pairgate/shared';
import { hashPassword } from '../crypto/password';
import type { Store } from '../store/store';

/**
 * The demo data `npm start` seeds into an empty database. For trying Pairgate out only: the
 * password is public (it is in the README), so never seed it into a real deployment.
 */
export const demo = {
  user: { email: 'demo@example.com', password: 'pairgate-demo', name: 'Demo User' },
  kioskClientId: 'tv-kiosk',
  desktopClientId: 'desktop-app',
} as const;

export async function seedDemo(store: Store, now = Date.now()): Promise<void> {
  if (!(await store.findUserByEmail(demo.user.email))) {
    await store.createUser({
      id: crypto.randomUUID(),
      email: demo.user.email,
      name: demo.user.name,
      passwordHash: await hashPassword(demo.user.password),
      createdAt: now,
    });
  }
  await store.upsertClient({
    clientId: demo.kioskClientId,
    name: 'Pairgate TV',
    type: 'public',
    tokenEndpointAuthMethod: 'none',
    secretHash: null,
    grantTypes: [GrantType.DeviceCode, GrantType.RefreshToken],
    redirectUris: [],
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    firstParty: true,
    createdAt: now,
  });
  await store.upsertClient({
    clientId: demo.desktopClientId,
    name: 'Pairgate Desktop',
    type: 'public',
    tokenEndpointAuthMethod: 'none',
    secretHash: null,
    grantTypes: [GrantType.AuthorizationCode, GrantType.RefreshToken],
    // RFC 8252 §7.3: a loopback redirect; any port will be accepted at run time.
    redirectUris: ['http://127.0.0.1/callback'],
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    firstParty: true,
    createdAt: now,
  });
}
