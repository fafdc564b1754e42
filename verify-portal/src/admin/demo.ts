import { GrantType } from '@pairgate/shared';
import { DEVICES_API } from '../api/devices';
import type { ClientRecord, ClientRegistration, Store } from '../store/store';

/**
 * The demo data `npm start` seeds into an empty database. For trying Pairgate out only: the
 * password is public (it is in the README), so never seed it into a real deployment.
 */
export const demo = {
  user: { email: 'demo@example.com', password: 'pairgate-demo', name: 'Demo User' },
  kioskClientId: 'tv-kiosk',
  desktopClientId: 'desktop-app',
} as const;

/**
 * `demo.user.password` hashed once at today's scrypt cost and kept here: the password is public, so
 * a fixed salt gives nothing away, and every start of an empty database (each end-to-end test
 * portal, `npm start` on a fresh clone) would otherwise pay a full-cost hash (~0.4–1.5 s, 128 MiB).
 * Should the cost rise, the first sign-in rehashes it (src/portal/forms/login.ts); demo.test.ts
 * checks that it matches the password.
 */
export const DEMO_PASSWORD_HASH = 'scrypt$131072$8$1$xJwj3EIJ79qNMfpm-BQ2RQ$YegMSNEIlxV3-bZgjycNYErRJaS3dxAN4anBVFumys8';

/** What the demo clients may ask for: sign-in scopes plus the example API's (see README, "Calling an API"). */
const DEMO_SCOPES = ['openid', 'profile', 'email', 'offline_access', DEVICES_API.scope];

/**
 * Seeds the demo user (once) and the demo clients. A demo client that exists already keeps its
 * `createdAt` and whatever scopes, APIs and redirect URIs an admin added to it; everything else
 * is set back to the demo definition.
 */
export async function seedDemo(store: Store, now = Date.now()): Promise<void> {
  if (!(await store.findUserByEmail(demo.user.email))) {
    await store.createUser({
      id: crypto.randomUUID(),
      email: demo.user.email,
      name: demo.user.name,
      passwordHash: DEMO_PASSWORD_HASH,
      createdAt: now,
    });
  }
  await upsertDemoClient(store, {
    clientId: demo.kioskClientId,
    name: 'Pairgate TV',
    type: 'public',
    tokenEndpointAuthMethod: 'none',
    secretHash: null,
    grantTypes: [GrantType.DeviceCode, GrantType.RefreshToken],
    redirectUris: [],
    scopes: DEMO_SCOPES,
    // The example API: device-flow and refresh tokens carry it in `aud` (RFC 8707, audience.ts).
    allowedAudiences: [DEVICES_API.audience],
    firstParty: true,
    createdAt: now,
  });
  await upsertDemoClient(store, {
    clientId: demo.desktopClientId,
    name: 'Pairgate Desktop',
    type: 'public',
    tokenEndpointAuthMethod: 'none',
    secretHash: null,
    grantTypes: [GrantType.AuthorizationCode, GrantType.RefreshToken],
    // RFC 8252 §7.3: a loopback redirect; any port will be accepted at run time.
    redirectUris: ['http://127.0.0.1/callback'],
    scopes: DEMO_SCOPES,
    // The example API: device-flow and refresh tokens carry it in `aud` (RFC 8707, audience.ts).
    allowedAudiences: [DEVICES_API.audience],
    firstParty: true,
    createdAt: now,
  });
}

async function upsertDemoClient(store: Store, client: ClientRegistration): Promise<void> {
  const existing = await store.findClient(client.clientId);
  if (!existing) return store.upsertClient(client);
  const union = (a: readonly string[], b: readonly string[] = []) => [...new Set([...a, ...b])];
  await store.upsertClient({
    ...existing,
    ...client,
    createdAt: existing.createdAt,
    scopes: union(client.scopes, existing.scopes),
    redirectUris: union(client.redirectUris, existing.redirectUris),
    allowedAudiences: union(client.allowedAudiences ?? [], existing.allowedAudiences),
  });
}

/**
 * For databases seeded before the example API existed (run at every start): the demo clients,
 * if they are still there, may ask for its scope and get tokens for it. Nothing else changes,
 * and a client that has both already is not written at all.
 */
export async function grantDemoClientsApiAccess(store: Store): Promise<void> {
  for (const clientId of [demo.kioskClientId, demo.desktopClientId]) {
    const client: ClientRecord | undefined = await store.findClient(clientId);
    if (!client || (client.scopes.includes(DEVICES_API.scope) && client.allowedAudiences.includes(DEVICES_API.audience))) continue;
    await store.upsertClient({
      ...client,
      scopes: [...new Set([...client.scopes, DEVICES_API.scope])],
      allowedAudiences: [...new Set([...client.allowedAudiences, DEVICES_API.audience])],
    });
  }
}
