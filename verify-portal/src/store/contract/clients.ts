/**
 * The Store contract for clients and their assertions' `jti`s (`records/clients.ts`). Registered
 * by contract.test.ts for every implementation.
 */
import { describe, expect, it } from 'vitest';
import type { ClientRecord, Store } from '../store';
import { CLIENT_DEFAULTS, MIN, T0, client, id } from './fixtures';

export function clientsContract(store: Store): void {
  describe('clients', () => {
    it('upserts, finds and lists clients; arrays and booleans round-trip', async () => {
      const c = client();
      await store.upsertClient(c);
      expect(await store.findClient(c.clientId)).toEqual(c);

      const changed: ClientRecord = {
        ...c,
        name: 'Web app',
        type: 'confidential',
        tokenEndpointAuthMethod: 'client_secret_basic',
        secretHash: 'c2VjcmV0',
        grantTypes: ['authorization_code'],
        redirectUris: ['https://app.example/cb', 'http://127.0.0.1/callback'],
        scopes: [],
        firstParty: false,
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' }] },
        allowedAudiences: ['https://api.example/', 'urn:pairgate:devices'],
        requirePkce: true,
        responseTypes: ['code', 'code id_token'],
        proximity: 'step-up',
        allowedNetworks: ['10.0.0.0/8', '2001:db8::/32'],
        remoteScopes: ['openid', 'profile'],
        remoteRefreshTtlSeconds: 3600,
        deviceCodeTtlSeconds: 300,
        userCodeKind: 'digits',
      };
      await store.upsertClient(changed);
      expect(await store.findClient(c.clientId)).toEqual(changed);

      const other = client();
      await store.upsertClient(other);
      const listed = await store.listClients();
      expect(listed).toContainEqual(changed);
      expect(listed).toContainEqual(other);
      expect(listed.filter((x) => x.clientId === c.clientId)).toHaveLength(1);
      expect(await store.findClient('nope')).toBeUndefined();
    });

    it('fills in the defaults of fields a registration leaves out', async () => {
      const { jwks: _j, allowedAudiences: _a, requirePkce: _p, responseTypes: _r, proximity: _x, allowedNetworks: _n, remoteScopes: _s, remoteRefreshTtlSeconds: _t, deviceCodeTtlSeconds: _d, userCodeKind: _k, ...bare } =
        client({ grantTypes: ['authorization_code', 'refresh_token'] });
      await store.upsertClient(bare);
      expect(await store.findClient(bare.clientId)).toEqual({ ...bare, ...CLIENT_DEFAULTS, responseTypes: ['code'] });
      const machine = { ...bare, clientId: id('c'), grantTypes: ['client_credentials'] };
      await store.upsertClient(machine);
      expect((await store.findClient(machine.clientId))?.responseTypes).toEqual([]);
    });
  });

  describe('client assertions (RFC 7523 §3 item 7)', () => {
    it('accepts a jti once while it is live, per client; an expired one may be recorded again', async () => {
      const jti = id('jti');
      expect(await store.recordClientAssertion('svc', jti, T0 + MIN, T0)).toBe(true);
      expect(await store.recordClientAssertion('svc', jti, T0 + 2 * MIN, T0 + 1)).toBe(false);
      expect(await store.recordClientAssertion('other-svc', jti, T0 + MIN, T0 + 1)).toBe(true);
      // Past its expiry (not yet purged) the row no longer blocks, and takes the new expiry.
      expect(await store.recordClientAssertion('svc', jti, T0 + 3 * MIN, T0 + MIN)).toBe(true);
      expect(await store.recordClientAssertion('svc', jti, T0 + 3 * MIN, T0 + 2 * MIN)).toBe(false);
    });

    it('race: of 20 concurrent records of one jti exactly one is accepted', async () => {
      const jti = id('jti');
      const results = await Promise.all(Array.from({ length: 20 }, () => store.recordClientAssertion('svc', jti, T0 + MIN, T0)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
