/**
 * The Store contract for the database as a whole (`records/database.ts`): readiness, migrations
 * and purging. Registered by contract.test.ts for every implementation.
 */
import { describe, expect, it } from 'vitest';
import type { AuthorizationRequestRecord, SessionRecord, Store } from '../store';
import { LATEST_VERSION, MANY, MIN, T0, authorizationCode, deviceCode, grant, id, refreshToken } from './fixtures';

export function databaseContract(store: Store): void {
  describe('readiness', () => {
    it('is ready once migrated: the database answers and takes a write', async () => {
      expect(await store.checkReady()).toEqual({ ready: true });
      expect(await store.checkReady()).toEqual({ ready: true }); // the upsert keeps one row
    });
  });

  describe('migrations', () => {
    it('is idempotent: migrating twice leaves the same version', async () => {
      expect(await store.migrate()).toBe(LATEST_VERSION);
      expect(await store.migrate()).toBe(LATEST_VERSION);
    });
  });

  describe('purgeExpired', () => {
    it('purges more rows than one batch holds, and says how many', async () => {
      // Further in the past than the other purge test, so neither disturbs the other.
      const P = T0 - 2_000_000 * MIN;
      const sessions = Array.from({ length: 1_234 }, (_, i): SessionRecord => ({ idHash: id(`old-${i}`), userId: `u-${i % 7}`, authTime: P - MIN, createdAt: P - MIN, expiresAt: P - i, data: '{}' }));
      for (const x of sessions) await store.createSession(x, MANY);
      const kept: SessionRecord = { ...sessions[0]!, idHash: id('kept'), expiresAt: P + 1 };
      await store.createSession(kept, MANY);
      expect(await store.purgeExpired(P, 0)).toBe(1_234);
      expect(await store.findSession(sessions[1_233]!.idHash, P - 2_000)).toBeUndefined();
      expect(await store.findSession(kept.idHash, P)).toEqual(kept);
    });

    it('deletes device codes expired longer than the grace period and expired refresh tokens', async () => {
      // Far in the past, so purging at "now" here cannot disturb other tests' rows (all ≥ T0).
      const P = T0 - 1_000_000 * MIN;
      const graceMs = 60 * MIN;
      const gone = deviceCode({ createdAt: P - 100 * MIN, expiresAt: P - graceMs - 1 });
      const inGrace = deviceCode({ createdAt: P - 100 * MIN, expiresAt: P - graceMs + 1 });
      const live = deviceCode({ createdAt: P, expiresAt: P + 10 * MIN });
      for (const d of [gone, inGrace, live]) expect(await store.insertDeviceCode(d)).toBe(true);

      const g = grant();
      await store.createGrant(g);
      const expiredToken = refreshToken(g.id, { createdAt: P - 10 * MIN, expiresAt: P });
      const liveToken = refreshToken(g.id, { createdAt: P - 10 * MIN, expiresAt: P + 1 });
      for (const t of [expiredToken, liveToken]) await store.insertRefreshToken(t);

      const oldSession: SessionRecord = { idHash: id('s'), userId: 'u', authTime: P - MIN, createdAt: P - MIN, expiresAt: P, data: '{}' };
      const liveSession: SessionRecord = { ...oldSession, idHash: id('s'), expiresAt: P + 1 };
      for (const x of [oldSession, liveSession]) await store.createSession(x, MANY);
      const rl = id('rl');
      const windowStart = Math.floor(P / MIN) * MIN;
      await store.hitRateLimit(rl, MIN, windowStart - 2 * MIN); // two windows back: no longer counts
      await store.hitRateLimit(rl, MIN, windowStart - MIN); // the previous window still counts

      const goneCode = authorizationCode({ createdAt: P - 100 * MIN, expiresAt: P - graceMs - 1 });
      const keptCode = authorizationCode({ createdAt: P - 100 * MIN, expiresAt: P - graceMs + 1 });
      for (const c of [goneCode, keptCode]) await store.insertAuthorizationCode(c);
      const oldRequest: AuthorizationRequestRecord = {
        idHash: id('ar'), userId: 'u', clientId: 'c', redirectUri: 'https://app.example/cb', scope: 'openid', state: null, nonce: null,
        codeChallenge: null, authTime: P - MIN, createdAt: P - MIN, expiresAt: P, responseType: 'code', responseMode: 'query',
      };
      const liveRequest = { ...oldRequest, idHash: id('ar'), expiresAt: P + 1 };
      for (const r of [oldRequest, liveRequest]) await store.insertAuthorizationRequest(r);

      const oldJti = id('jti');
      const liveJti = id('jti');
      await store.recordClientAssertion('svc', oldJti, P, P - MIN);
      await store.recordClientAssertion('svc', liveJti, P + 1, P - MIN);

      await store.purgeExpired(P, graceMs);
      // Purged: recording it again at a time it would still have been live now succeeds.
      expect(await store.recordClientAssertion('svc', oldJti, P + MIN, P - 2 * MIN)).toBe(true);
      expect(await store.recordClientAssertion('svc', liveJti, P + MIN, P - 2 * MIN)).toBe(false);
      expect(await store.findAuthorizationCode(goneCode.codeHash)).toBeUndefined();
      expect(await store.findAuthorizationCode(keptCode.codeHash)).toEqual(keptCode);
      expect(await store.takeAuthorizationRequest(oldRequest.idHash, P - 1)).toBeUndefined();
      expect(await store.findAuthorizationRequest(liveRequest.idHash, P)).toEqual(liveRequest);
      expect(await store.findSession(oldSession.idHash, P - 1)).toBeUndefined();
      expect(await store.findSession(liveSession.idHash, P)).toEqual(liveSession);
      expect(await store.peekRateLimit(rl, MIN, windowStart - MIN)).toEqual({ current: 1, previous: 0 });
      expect(await store.findDeviceCode(gone.deviceCodeHash)).toBeUndefined();
      expect(await store.findDeviceCode(inGrace.deviceCodeHash)).toBeDefined();
      expect(await store.findDeviceCode(live.deviceCodeHash)).toBeDefined();
      expect(await store.findRefreshToken(expiredToken.tokenHash)).toBeUndefined();
      expect(await store.findRefreshToken(liveToken.tokenHash)).toEqual(liveToken);
      expect(await store.findGrant(g.id)).toEqual(g);
    });
  });
}
