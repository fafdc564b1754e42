/**
 * The Store contract for authorization codes, pending authorization requests and consents
 * (`records/authorization.ts`, RFC 6749 §4.1). Registered by contract.test.ts for every
 * implementation.
 */
import { describe, expect, it } from 'vitest';
import { StoreConflictError } from '../store';
import type { AuthorizationRequestRecord, Store } from '../store';
import { MIN, T0, authorizationCode, grant, grantOf, id, refreshToken } from './fixtures';

export function authorizationContract(store: Store): void {
  describe('authorization codes (RFC 6749 §4.1)', () => {
    it('inserts and finds a code with all its bindings; duplicates conflict', async () => {
      const c = authorizationCode();
      await store.insertAuthorizationCode(c);
      expect(await store.findAuthorizationCode(c.codeHash)).toEqual(c);
      const bare = authorizationCode({ nonce: null, codeChallenge: null });
      await store.insertAuthorizationCode(bare);
      expect(await store.findAuthorizationCode(bare.codeHash)).toEqual(bare);
      await expect(store.insertAuthorizationCode(authorizationCode({ codeHash: c.codeHash }))).rejects.toBeInstanceOf(StoreConflictError);
      expect(await store.findAuthorizationCode('unknown')).toBeUndefined();
    });

    it('redeems once and stores the grant; a second redemption revokes that grant and its tokens', async () => {
      const c = authorizationCode();
      await store.insertAuthorizationCode(c);
      const first = await store.redeemAuthorizationCode(c.codeHash, grantOf(c), T0 + 1);
      expect(first).toEqual({ status: 'redeemed', code: { ...c, redeemedAt: T0 + 1 } });
      expect(await store.findGrant(c.grantId)).toEqual(grantOf(c));
      const token = refreshToken(c.grantId);
      await store.insertRefreshToken(token);

      const second = await store.redeemAuthorizationCode(c.codeHash, grantOf(c, T0 + 2), T0 + 2);
      expect(second).toEqual({ status: 'reused', code: { ...c, redeemedAt: T0 + 1 } });
      expect((await store.findGrant(c.grantId))?.revokedAt).toBe(T0 + 2);
      expect((await store.findRefreshToken(token.tokenHash))?.revokedAt).toBe(T0 + 2);
      // Still reuse (and nothing more to revoke) after the code's expiry.
      expect((await store.redeemAuthorizationCode(c.codeHash, grantOf(c), T0 + 2 * MIN)).status).toBe('reused');
    });

    it("answers 'invalid' for unknown and expired codes and changes nothing", async () => {
      const expired = authorizationCode();
      await store.insertAuthorizationCode(expired);
      expect(await store.redeemAuthorizationCode(expired.codeHash, grantOf(expired), expired.expiresAt)).toEqual({ status: 'invalid' });
      expect(await store.findAuthorizationCode(expired.codeHash)).toEqual(expired);
      expect(await store.findGrant(expired.grantId)).toBeUndefined();
      const unknown = authorizationCode();
      expect(await store.redeemAuthorizationCode(unknown.codeHash, grantOf(unknown), T0)).toEqual({ status: 'invalid' });
    });

    it('refuses a grant that is not the code’s own, redeeming nothing', async () => {
      const c = authorizationCode();
      await store.insertAuthorizationCode(c);
      await expect(store.redeemAuthorizationCode(c.codeHash, grant(), T0 + 1)).rejects.toThrow(/grantId/);
      expect((await store.findAuthorizationCode(c.codeHash))?.redeemedAt).toBeNull();
    });

    it('race: 20 concurrent redemptions give exactly one redeemed, the rest reuse', async () => {
      const c = authorizationCode();
      await store.insertAuthorizationCode(c);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.redeemAuthorizationCode(c.codeHash, grantOf(c), T0 + 1)));
      expect(results.filter((r) => r.status === 'redeemed')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'reused')).toHaveLength(19);
      // The losers saw a code used twice: the winner's grant is revoked (RFC 6749 §4.1.2).
      expect((await store.findGrant(c.grantId))?.revokedAt).toBe(T0 + 1);
    });
  });

  describe('pending authorization requests and consents', () => {
    function request(over: Partial<AuthorizationRequestRecord> = {}): AuthorizationRequestRecord {
      return {
        idHash: id('ar'), userId: id('u'), clientId: 'third-party', redirectUri: 'https://app.example/cb', scope: 'openid email',
        state: 'xyz', nonce: null, codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', authTime: T0, createdAt: T0, expiresAt: T0 + 10 * MIN,
        responseType: 'code', responseMode: 'query', ...over,
      };
    }

    it('finds a request until it expires; taking it is once only', async () => {
      const r = request();
      await store.insertAuthorizationRequest(r);
      const bare = request({ state: null, nonce: null, codeChallenge: null, responseType: 'code id_token token', responseMode: 'form_post' });
      await store.insertAuthorizationRequest(bare);
      expect(await store.findAuthorizationRequest(bare.idHash, T0)).toEqual(bare);
      expect(await store.findAuthorizationRequest(r.idHash, r.expiresAt - 1)).toEqual(r);
      expect(await store.findAuthorizationRequest(r.idHash, r.expiresAt)).toBeUndefined();
      expect(await store.takeAuthorizationRequest(r.idHash, r.expiresAt)).toBeUndefined();
      const taken = await Promise.all(Array.from({ length: 5 }, () => store.takeAuthorizationRequest(r.idHash, T0 + 1)));
      expect(taken.filter(Boolean)).toEqual([r]);
      expect(await store.findAuthorizationRequest(r.idHash, T0 + 1)).toBeUndefined();
    });

    it('saves, updates, lists and withdraws consents per person and client', async () => {
      const userId = id('u');
      expect(await store.findConsent(userId, 'a')).toBeUndefined();
      await store.saveConsent({ userId, clientId: 'a', scope: 'openid', createdAt: T0, updatedAt: T0 });
      await store.saveConsent({ userId, clientId: 'b', scope: 'openid email', createdAt: T0 + 1, updatedAt: T0 + 1 });
      await store.saveConsent({ userId: id('u'), clientId: 'a', scope: 'openid', createdAt: T0, updatedAt: T0 });
      // A later consent widens the scope and keeps the first date.
      await store.saveConsent({ userId, clientId: 'a', scope: 'openid profile', createdAt: T0 + 5, updatedAt: T0 + 5 });
      expect(await store.findConsent(userId, 'a')).toEqual({ userId, clientId: 'a', scope: 'openid profile', createdAt: T0, updatedAt: T0 + 5 });
      expect((await store.listConsents(userId)).map((c) => c.clientId)).toEqual(['a', 'b']);
      expect(await store.deleteConsent(userId, 'a')).toBe(true);
      expect(await store.deleteConsent(userId, 'a')).toBe(false);
      expect((await store.listConsents(userId)).map((c) => c.clientId)).toEqual(['b']);
    });
  });
}
