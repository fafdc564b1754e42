/**
 * The Store contract: one suite, run against every implementation. SQLite always (a temp file);
 * PostgreSQL when PAIRGATE_TEST_DATABASE_URL is set (each run in a fresh schema, dropped at the
 * end). In CI (`CI=true`) a missing PostgreSQL URL is a failure, not a skip.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from './index';
import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import { StoreConflictError } from './store';
import { uniqueSchema, withClient, withSearchPath } from './test-support';
import type { ApprovalCheck, AuthorizationCodeRecord, AuthorizationRequestRecord, ClientRecord, DeviceCodeRecord, DeviceDecision, GrantRecord, RefreshTokenRecord, SessionRecord, SigningKeyRecord, Store, UserRecord } from './store';

const LATEST_VERSION = 8;
const T0 = 1_700_000_000_000;
const MIN = 60_000;
/** A session cap no test reaches unless it means to. */
const MANY = 1_000;

const ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
function userCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return s;
}
const id = (prefix: string): string => `${prefix}-${randomUUID()}`;

function user(over: Partial<UserRecord> = {}): UserRecord {
  return { id: id('u'), email: `${randomUUID()}@example.com`, name: 'Ada', passwordHash: 'scrypt$x', createdAt: T0, ...over };
}

function client(over: Partial<ClientRecord> = {}): ClientRecord {
  return {
    clientId: id('c'),
    name: 'Living-room TV',
    type: 'public',
    tokenEndpointAuthMethod: 'none',
    secretHash: null,
    grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    redirectUris: [],
    scopes: ['openid', 'profile', 'offline_access'],
    firstParty: true,
    createdAt: T0,
    jwks: null,
    allowedAudiences: [],
    requirePkce: false,
    responseTypes: [],
    proximity: 'warn',
    allowedNetworks: [],
    remoteScopes: null,
    remoteRefreshTtlSeconds: null,
    deviceCodeTtlSeconds: null,
    userCodeKind: 'letters',
    ...over,
  };
}

function deviceCode(over: Partial<DeviceCodeRecord> = {}): DeviceCodeRecord {
  return {
    deviceCodeHash: id('dc'),
    userCode: userCode(),
    clientId: 'tv',
    scope: 'openid offline_access',
    deviceName: 'Living room',
    deviceModel: 'Pi 5',
    clientIp: '192.0.2.7',
    createdAt: T0,
    expiresAt: T0 + 10 * MIN,
    interval: 5,
    lastPolledAt: null,
    status: 'pending',
    userId: null,
    decidedAt: null,
    ...over,
  };
}

function grant(over: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id: id('g'),
    userId: id('u'),
    clientId: 'tv',
    scope: 'openid offline_access',
    deviceName: 'Living room',
    deviceModel: null,
    authTime: T0,
    createdAt: T0,
    lastUsedAt: null,
    revokedAt: null,
    ...over,
  };
}

function refreshToken(grantId: string, over: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenHash: id('rt'),
    grantId,
    scope: 'openid offline_access',
    createdAt: T0,
    expiresAt: T0 + 30 * 24 * 60 * MIN,
    rotatedAt: null,
    revokedAt: null,
    ...over,
  };
}

function authorizationCode(over: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    codeHash: id('ac'),
    clientId: 'desktop',
    userId: id('u'),
    redirectUri: 'http://127.0.0.1:49152/callback',
    scope: 'openid offline_access',
    nonce: 'n-0S6_WzA2Mj',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    authTime: T0 - MIN,
    grantId: id('g'),
    createdAt: T0,
    expiresAt: T0 + MIN,
    redeemedAt: null,
    ...over,
  };
}

const NEAR: ApprovalCheck = { proximity: 'near', policy: 'warn', numberMatched: false };

/** An approval by `userId`, with the id of the grant it will become. */
function approve(userId: string, check: ApprovalCheck = NEAR): Extract<DeviceDecision, { status: 'approved' }> {
  return { status: 'approved', userId, approval: { ...check, grantId: id('g') } };
}

/** The grant an approved device code turns into (what the device_code grant stores on redemption). */
function grantOfDevice(decision: Extract<DeviceDecision, { status: 'approved' }>, d: DeviceCodeRecord, now = T0 + 2): GrantRecord {
  const { grantId, ...approval } = decision.approval;
  return grant({ id: grantId, userId: decision.userId, clientId: d.clientId, deviceName: d.deviceName, createdAt: now, approval, ...(d.deviceIdHash ? { deviceIdHash: d.deviceIdHash } : {}) });
}

/** The grant a code turns into (what the authorization_code grant stores on redemption). */
function grantOf(code: AuthorizationCodeRecord, now = T0 + 1): GrantRecord {
  return grant({ id: code.grantId, userId: code.userId, clientId: code.clientId, scope: code.scope, deviceName: null, authTime: code.authTime, createdAt: now, lastUsedAt: now });
}

export function describeStoreContract(name: string, open: () => Promise<Store>, options: { skip?: boolean } = {}): void {
  describe.skipIf(options.skip ?? false)(`Store contract: ${name}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await open();
      await store.migrate();
    });
    afterAll(async () => {
      await store?.close();
    });

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

    describe('users', () => {
      it('creates and finds users; email is lower-cased and case-insensitive', async () => {
        const before = await store.countUsers();
        const u = user({ email: `Ada.${randomUUID()}@Example.COM` });
        await store.createUser(u);
        const expected = { ...u, email: u.email.toLowerCase() };
        expect(await store.findUserByEmail(u.email.toUpperCase())).toEqual(expected);
        expect(await store.findUserByEmail(u.email.toLowerCase())).toEqual(expected);
        expect(await store.findUserById(u.id)).toEqual(expected);
        expect(await store.countUsers()).toBe(before + 1);
        expect(await store.findUserByEmail('nobody@example.com')).toBeUndefined();
        expect(await store.findUserById('nobody')).toBeUndefined();
      });

      it("replaces a user's password hash, and only that user's", async () => {
        const [a, b] = [user(), user()];
        for (const u of [a, b]) await store.createUser(u);
        await store.updatePasswordHash(a.id, 'scrypt$131072$8$1$new');
        expect(await store.findUserById(a.id)).toEqual({ ...a, email: a.email.toLowerCase(), passwordHash: 'scrypt$131072$8$1$new' });
        expect((await store.findUserById(b.id))?.passwordHash).toBe(b.passwordHash);
        await store.updatePasswordHash('nobody', 'x'); // no such user: nothing happens
      });

      it('rejects a duplicate email (in any case) with StoreConflictError', async () => {
        const u = user();
        await store.createUser(u);
        await expect(store.createUser(user({ email: u.email.toUpperCase() }))).rejects.toBeInstanceOf(StoreConflictError);
        await expect(store.createUser(user({ id: u.id }))).rejects.toBeInstanceOf(StoreConflictError);
      });
    });

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
        expect(await store.findClient(bare.clientId)).toEqual({
          ...bare,
          jwks: null,
          allowedAudiences: [],
          requirePkce: false,
          responseTypes: ['code'],
          proximity: 'warn',
          allowedNetworks: [],
          remoteScopes: null,
          remoteRefreshTtlSeconds: null,
          deviceCodeTtlSeconds: null,
          userCodeKind: 'letters',
        });
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

    describe('device codes', () => {
      it('inserts and finds by hash and by user code', async () => {
        const d = deviceCode();
        expect(await store.insertDeviceCode(d)).toBe(true);
        expect(await store.findDeviceCode(d.deviceCodeHash)).toEqual(d);
        expect(await store.findDeviceCodeByUserCode(d.userCode)).toEqual(d);
        expect(await store.findDeviceCode('unknown')).toBeUndefined();
        expect(await store.findDeviceCodeByUserCode('ZZZZZZZZ')).toBeUndefined();
      });

      it('refuses a user code that is still live, and reuses one that has expired', async () => {
        const first = deviceCode();
        expect(await store.insertDeviceCode(first)).toBe(true);

        const clash = deviceCode({ userCode: first.userCode, createdAt: first.expiresAt - 1, expiresAt: first.expiresAt + 10 * MIN });
        expect(await store.insertDeviceCode(clash)).toBe(false);
        expect(await store.findDeviceCode(clash.deviceCodeHash)).toBeUndefined();
        expect(await store.findDeviceCodeByUserCode(first.userCode)).toEqual(first);

        const reuse = deviceCode({ userCode: first.userCode, createdAt: first.expiresAt, expiresAt: first.expiresAt + 10 * MIN });
        expect(await store.insertDeviceCode(reuse)).toBe(true);
        expect(await store.findDeviceCodeByUserCode(first.userCode)).toEqual(reuse);
      });

      it('race: of 10 concurrent inserts with one user code, exactly one succeeds', async () => {
        const code = userCode();
        const results = await Promise.all(Array.from({ length: 10 }, () => store.insertDeviceCode(deviceCode({ userCode: code }))));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('throws StoreConflictError for a duplicate device code hash', async () => {
        const d = deviceCode();
        await store.insertDeviceCode(d);
        await expect(store.insertDeviceCode(deviceCode({ deviceCodeHash: d.deviceCodeHash }))).rejects.toBeInstanceOf(StoreConflictError);
      });

      it('records polls and raises the interval on slow_down (RFC 8628 §3.5)', async () => {
        const d = deviceCode();
        await store.insertDeviceCode(d);

        const first = await store.recordDevicePoll(d.deviceCodeHash, T0 + 1_000);
        expect(first?.tooFast).toBe(false);
        expect(first?.record).toMatchObject({ interval: 5, lastPolledAt: T0 + 1_000 });

        const early = await store.recordDevicePoll(d.deviceCodeHash, T0 + 3_000);
        expect(early?.tooFast).toBe(true);
        expect(early?.record).toMatchObject({ interval: 10, lastPolledAt: T0 + 3_000 });
        expect((await store.findDeviceCode(d.deviceCodeHash))?.interval).toBe(10);

        // 10 s is now the bar: 9.999 s later is still too fast …
        const stillEarly = await store.recordDevicePoll(d.deviceCodeHash, T0 + 12_999);
        expect(stillEarly?.tooFast).toBe(true);
        expect(stillEarly?.record.interval).toBe(15);

        // … and a poll a full interval later is fine and keeps the raised interval.
        const onTime = await store.recordDevicePoll(d.deviceCodeHash, T0 + 12_999 + 15_000);
        expect(onTime?.tooFast).toBe(false);
        expect(onTime?.record).toMatchObject({ interval: 15, lastPolledAt: T0 + 27_999 });

        expect(await store.recordDevicePoll('unknown', T0)).toBeUndefined();
      });

      it('never reports an approved code as polled too fast', async () => {
        const d = deviceCode();
        await store.insertDeviceCode(d);
        await store.recordDevicePoll(d.deviceCodeHash, T0 + 1_000);
        await store.decideDeviceCode(d.userCode, approve('u1'), T0 + 1_500);
        const poll = await store.recordDevicePoll(d.deviceCodeHash, T0 + 2_000);
        expect(poll?.tooFast).toBe(false);
        expect(poll?.record).toMatchObject({ interval: 5, status: 'approved', lastPolledAt: T0 + 2_000 });
      });

      it('decides only a pending, unexpired code, once', async () => {
        const d = deviceCode();
        await store.insertDeviceCode(d);
        const decision = approve('user-1', { proximity: 'remote', policy: 'step-up', numberMatched: true });
        const approved = await store.decideDeviceCode(d.userCode, decision, T0 + 60_000);
        expect(approved).toEqual({ ...d, status: 'approved', userId: 'user-1', decidedAt: T0 + 60_000, approval: decision.approval });
        expect(await store.findDeviceCode(d.deviceCodeHash)).toEqual(approved);
        expect(await store.decideDeviceCode(d.userCode, { status: 'denied' }, T0 + 61_000)).toBeUndefined();
        expect(await store.decideDeviceCode(d.userCode, approve('user-2'), T0 + 61_000)).toBeUndefined();
        expect((await store.findDeviceCode(d.deviceCodeHash))?.userId).toBe('user-1');

        const denied = deviceCode();
        await store.insertDeviceCode(denied);
        const deniedRecord = await store.decideDeviceCode(denied.userCode, { status: 'denied' }, T0 + 1);
        expect(deniedRecord).toMatchObject({ status: 'denied', userId: null, decidedAt: T0 + 1 });
        expect(deniedRecord?.approval).toBeUndefined();

        const expired = deviceCode();
        await store.insertDeviceCode(expired);
        expect(await store.decideDeviceCode(expired.userCode, approve('u'), expired.expiresAt)).toBeUndefined();
        expect((await store.findDeviceCode(expired.deviceCodeHash))?.status).toBe('pending');

        expect(await store.decideDeviceCode('ZZZZZZZZ', { status: 'denied' }, T0)).toBeUndefined();
      });

      it('lets exactly one of several racing decisions win', async () => {
        const d = deviceCode();
        await store.insertDeviceCode(d);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.decideDeviceCode(d.userCode, i % 2 ? { status: 'denied' } : approve(`u${i}`), T0 + 1),
          ),
        );
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      });

      it('redeems an approved, unexpired code exactly once, storing its grant in the same step', async () => {
        const pending = deviceCode();
        await store.insertDeviceCode(pending);
        const unused = grant();
        expect(await store.redeemDeviceCode(pending.deviceCodeHash, unused, T0 + 1)).toBeUndefined();

        const denied = deviceCode();
        await store.insertDeviceCode(denied);
        await store.decideDeviceCode(denied.userCode, { status: 'denied' }, T0 + 1);
        expect(await store.redeemDeviceCode(denied.deviceCodeHash, unused, T0 + 2)).toBeUndefined();
        expect(await store.findGrant(unused.id)).toBeUndefined();

        const d = deviceCode({ deviceIdHash: id('device') });
        await store.insertDeviceCode(d);
        expect(await store.findDeviceCode(d.deviceCodeHash)).toEqual(d);
        const decision = approve('user-1', { proximity: 'remote', policy: 'warn', numberMatched: false });
        await store.decideDeviceCode(d.userCode, decision, T0 + 1);
        const g = { ...grantOfDevice(decision, d), refreshUntil: T0 + 60 * MIN };
        const redeemed = await store.redeemDeviceCode(d.deviceCodeHash, g, T0 + 2);
        expect(redeemed).toMatchObject({ deviceCodeHash: d.deviceCodeHash, status: 'redeemed', userId: 'user-1', approval: decision.approval });
        expect(await store.findGrant(g.id)).toEqual(g);
        expect(await store.redeemDeviceCode(d.deviceCodeHash, grant(), T0 + 3)).toBeUndefined();
        expect(await store.decideDeviceCode(d.userCode, { status: 'denied' }, T0 + 3)).toBeUndefined();

        const late = deviceCode();
        await store.insertDeviceCode(late);
        const lateDecision = approve('user-1');
        await store.decideDeviceCode(late.userCode, lateDecision, T0 + 1);
        expect(await store.redeemDeviceCode(late.deviceCodeHash, grantOfDevice(lateDecision, late), late.expiresAt)).toBeUndefined();
        expect(await store.redeemDeviceCode('unknown', grant(), T0)).toBeUndefined();
      });

      it('refuses to redeem into a grant other than the approval named, and stores nothing', async () => {
        const d = deviceCode();
        await store.insertDeviceCode(d);
        await store.decideDeviceCode(d.userCode, approve('user-1'), T0 + 1);
        const stranger = grant();
        await expect(store.redeemDeviceCode(d.deviceCodeHash, stranger, T0 + 2)).rejects.toThrow(/grantId/);
        expect((await store.findDeviceCode(d.deviceCodeHash))?.status).toBe('approved');
        expect(await store.findGrant(stranger.id)).toBeUndefined();
      });

      it('race: 50 concurrent redemptions return exactly one record and store one grant', async () => {
        const d = deviceCode();
        await store.insertDeviceCode(d);
        const decision = approve('user-1');
        await store.decideDeviceCode(d.userCode, decision, T0 + 1);
        const results = await Promise.all(Array.from({ length: 50 }, () => store.redeemDeviceCode(d.deviceCodeHash, grantOfDevice(decision, d), T0 + 2)));
        const winners = results.filter((r) => r !== undefined);
        expect(winners).toHaveLength(1);
        expect(winners[0]?.status).toBe('redeemed');
        expect((await store.findGrant(decision.approval.grantId))?.userId).toBe('user-1');
      });

      it('draws a number match once: later draws, racing or not, get the first; never for a decided or expired code', async () => {
        const d = deviceCode();
        await store.insertDeviceCode(d);
        const first = { number: '42', choices: ['17', '42', '88'] };
        const drawn = await Promise.all(Array.from({ length: 10 }, (_, i) => store.drawNumberMatch(d.deviceCodeHash, i === 0 ? first : { number: `${20 + i}`, choices: [`${20 + i}`, '11', '99'] }, T0 + 1)));
        const winner = drawn[0]?.numberMatch;
        expect(winner).toBeDefined();
        for (const r of drawn) expect(r?.numberMatch).toEqual(winner);
        expect(winner?.choices).toContain(winner?.number);
        expect((await store.findDeviceCode(d.deviceCodeHash))?.numberMatch).toEqual(winner);
        expect((await store.drawNumberMatch(d.deviceCodeHash, first, T0 + 2))?.numberMatch).toEqual(winner);

        await store.decideDeviceCode(d.userCode, { status: 'denied' }, T0 + 3);
        expect(await store.drawNumberMatch(d.deviceCodeHash, first, T0 + 4)).toBeUndefined();
        const expired = deviceCode();
        await store.insertDeviceCode(expired);
        expect(await store.drawNumberMatch(expired.deviceCodeHash, first, expired.expiresAt)).toBeUndefined();
        expect((await store.findDeviceCode(expired.deviceCodeHash))?.numberMatch).toBeUndefined();
        expect(await store.drawNumberMatch('unknown', first, T0)).toBeUndefined();
      });

      it('withdraws an approval that has not been redeemed (denied from then on), and nothing else', async () => {
        const d = deviceCode();
        await store.insertDeviceCode(d);
        const decision = approve('user-1');
        await store.decideDeviceCode(d.userCode, decision, T0 + 1);
        expect(await store.withdrawDeviceApproval(decision.approval.grantId, 'someone-else', T0 + 2)).toBeUndefined();
        expect(await store.withdrawDeviceApproval(decision.approval.grantId, 'user-1', T0 + 2)).toMatchObject({ status: 'denied', decidedAt: T0 + 2 });
        expect(await store.redeemDeviceCode(d.deviceCodeHash, grantOfDevice(decision, d), T0 + 3)).toBeUndefined();
        expect(await store.withdrawDeviceApproval(decision.approval.grantId, 'user-1', T0 + 4)).toBeUndefined();

        // Redeemed first: the grant exists, and the withdrawal finds no approved code.
        const r = deviceCode();
        await store.insertDeviceCode(r);
        const redeemedDecision = approve('user-1');
        await store.decideDeviceCode(r.userCode, redeemedDecision, T0 + 1);
        await store.redeemDeviceCode(r.deviceCodeHash, grantOfDevice(redeemedDecision, r), T0 + 2);
        expect(await store.withdrawDeviceApproval(redeemedDecision.approval.grantId, 'user-1', T0 + 3)).toBeUndefined();
        expect((await store.findDeviceCode(r.deviceCodeHash))?.status).toBe('redeemed');
        expect(await store.withdrawDeviceApproval('unknown', 'user-1', T0)).toBeUndefined();
      });

      it('race: a withdrawal and a redemption of one approval — either the code is denied and no grant exists, or the grant exists', async () => {
        for (let i = 0; i < 5; i++) {
          const d = deviceCode();
          await store.insertDeviceCode(d);
          const decision = approve('user-1');
          await store.decideDeviceCode(d.userCode, decision, T0 + 1);
          const [withdrawn, redeemed] = await Promise.all([
            store.withdrawDeviceApproval(decision.approval.grantId, 'user-1', T0 + 2),
            store.redeemDeviceCode(d.deviceCodeHash, grantOfDevice(decision, d), T0 + 2),
          ]);
          expect([withdrawn, redeemed].filter((x) => x !== undefined)).toHaveLength(1);
          expect((await store.findGrant(decision.approval.grantId)) !== undefined).toBe(redeemed !== undefined);
        }
      });

      it('finds the pending code a device showed after an expired one (null-safe matching)', async () => {
        const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
        const old = deviceCode({ clientIp: ip, deviceName: null, createdAt: T0, expiresAt: T0 + 10 * MIN });
        await store.insertDeviceCode(old);
        const now = T0 + 11 * MIN;
        expect(await store.findReplacementDeviceCode(old, now)).toBeUndefined();
        // Another device (other name), another network, and a decided code do not count.
        await store.insertDeviceCode(deviceCode({ clientIp: ip, deviceName: 'Other TV', createdAt: T0 + 10 * MIN, expiresAt: T0 + 20 * MIN }));
        await store.insertDeviceCode(deviceCode({ clientIp: '203.0.113.99', deviceName: null, createdAt: T0 + 10 * MIN, expiresAt: T0 + 20 * MIN }));
        const denied = deviceCode({ clientIp: ip, deviceName: null, createdAt: T0 + 10 * MIN, expiresAt: T0 + 20 * MIN });
        await store.insertDeviceCode(denied);
        await store.decideDeviceCode(denied.userCode, { status: 'denied' }, T0 + 10 * MIN + 1);
        expect(await store.findReplacementDeviceCode(old, now)).toBeUndefined();
        const next = deviceCode({ clientIp: ip, deviceName: null, createdAt: T0 + 10 * MIN + 5, expiresAt: T0 + 20 * MIN });
        await store.insertDeviceCode(next);
        expect((await store.findReplacementDeviceCode(old, now))?.deviceCodeHash).toBe(next.deviceCodeHash);
        // Once that one has expired too, there is nothing to point to.
        expect(await store.findReplacementDeviceCode(old, T0 + 21 * MIN)).toBeUndefined();
      });

      it('race: concurrent polls raise the interval once per too-early poll', async () => {
        const d = deviceCode();
        await store.insertDeviceCode(d);
        await store.recordDevicePoll(d.deviceCodeHash, T0);
        const results = await Promise.all(Array.from({ length: 10 }, () => store.recordDevicePoll(d.deviceCodeHash, T0 + 1_000)));
        expect(results.every((r) => r?.tooFast === true)).toBe(true);
        expect((await store.findDeviceCode(d.deviceCodeHash))?.interval).toBe(5 + 10 * 5);
      });
    });

    describe('grants and refresh tokens', () => {
      it('creates, finds, lists (newest first, active only) and touches grants', async () => {
        const userId = id('u');
        const older = grant({ userId, createdAt: T0 });
        const newer = grant({ userId, createdAt: T0 + MIN, deviceModel: 'Pi 5' });
        const revoked = grant({ userId, createdAt: T0 + 2 * MIN });
        for (const g of [older, newer, revoked]) await store.createGrant(g);
        await store.createGrant(grant());
        expect(await store.revokeGrant(revoked.id, T0 + 3 * MIN)).toBe(true);

        expect(await store.findGrant(newer.id)).toEqual(newer);
        expect(await store.listActiveGrants(userId)).toEqual([newer, older]);
        expect(await store.listActiveGrants('nobody')).toEqual([]);

        await store.touchGrant(older.id, T0 + 5 * MIN);
        expect((await store.findGrant(older.id))?.lastUsedAt).toBe(T0 + 5 * MIN);
        expect(await store.findGrant('unknown')).toBeUndefined();
        await expect(store.createGrant(older)).rejects.toBeInstanceOf(StoreConflictError);
      });

      it('revokes every live grant of one device of one client, with their refresh tokens, and says which', async () => {
        const device = id('device');
        const mine = grant({ clientId: 'kiosk', deviceIdHash: device, approval: NEAR });
        const someoneElses = grant({ clientId: 'kiosk', deviceIdHash: device });
        const otherDevice = grant({ clientId: 'kiosk', deviceIdHash: id('device') });
        const otherClient = grant({ clientId: 'tv', deviceIdHash: device });
        const noDevice = grant({ clientId: 'kiosk' });
        const alreadyRevoked = grant({ clientId: 'kiosk', deviceIdHash: device });
        for (const g of [mine, someoneElses, otherDevice, otherClient, noDevice, alreadyRevoked]) await store.createGrant(g);
        await store.revokeGrant(alreadyRevoked.id, T0 + MIN);
        const token = refreshToken(mine.id);
        await store.insertRefreshToken(token);
        expect(await store.findGrant(mine.id)).toEqual(mine);

        expect((await store.revokeDeviceGrants('kiosk', device, T0 + 2 * MIN)).sort()).toEqual([mine.id, someoneElses.id].sort());
        expect((await store.findGrant(mine.id))?.revokedAt).toBe(T0 + 2 * MIN);
        expect((await store.findRefreshToken(token.tokenHash))?.revokedAt).toBe(T0 + 2 * MIN);
        expect((await store.findGrant(alreadyRevoked.id))?.revokedAt).toBe(T0 + MIN);
        for (const g of [otherDevice, otherClient, noDevice]) expect((await store.findGrant(g.id))?.revokedAt).toBeNull();
        expect(await store.revokeDeviceGrants('kiosk', device, T0 + 3 * MIN)).toEqual([]);
      });

      it('revoking a grant revokes its refresh tokens, once', async () => {
        const g = grant();
        await store.createGrant(g);
        const a = refreshToken(g.id);
        const b = refreshToken(g.id);
        const otherGrant = grant();
        await store.createGrant(otherGrant);
        const other = refreshToken(otherGrant.id);
        for (const t of [a, b, other]) await store.insertRefreshToken(t);
        expect(await store.findRefreshToken(a.tokenHash)).toEqual(a);

        expect(await store.revokeGrant(g.id, T0 + MIN)).toBe(true);
        expect((await store.findGrant(g.id))?.revokedAt).toBe(T0 + MIN);
        expect((await store.findRefreshToken(a.tokenHash))?.revokedAt).toBe(T0 + MIN);
        expect((await store.findRefreshToken(b.tokenHash))?.revokedAt).toBe(T0 + MIN);
        expect((await store.findRefreshToken(other.tokenHash))?.revokedAt).toBeNull();

        expect(await store.revokeGrant(g.id, T0 + 2 * MIN)).toBe(false);
        expect((await store.findGrant(g.id))?.revokedAt).toBe(T0 + MIN);
        expect(await store.revokeGrant('unknown', T0)).toBe(false);
      });

      it('rejects a duplicate refresh token hash and a token of an unknown grant', async () => {
        const g = grant();
        await store.createGrant(g);
        const t = refreshToken(g.id);
        await store.insertRefreshToken(t);
        await expect(store.insertRefreshToken(t)).rejects.toBeInstanceOf(StoreConflictError);
        await expect(store.insertRefreshToken(refreshToken('no-such-grant'))).rejects.toThrow();
      });

      it('rotates a live refresh token and stores its successor', async () => {
        const g = grant();
        await store.createGrant(g);
        const old = refreshToken(g.id);
        await store.insertRefreshToken(old);
        const next = refreshToken(g.id, { createdAt: T0 + MIN });
        expect(await store.rotateRefreshToken(old.tokenHash, next, T0 + MIN)).toBe('rotated');
        expect(await store.findRefreshToken(old.tokenHash)).toEqual({ ...old, rotatedAt: T0 + MIN });
        expect(await store.findRefreshToken(next.tokenHash)).toEqual(next);

        const third = refreshToken(g.id, { createdAt: T0 + 2 * MIN });
        expect(await store.rotateRefreshToken(next.tokenHash, third, T0 + 2 * MIN)).toBe('rotated');
      });

      it('reuse of a rotated token revokes the grant and all its tokens (RFC 9700 §4.14.2)', async () => {
        const g = grant();
        await store.createGrant(g);
        const old = refreshToken(g.id);
        await store.insertRefreshToken(old);
        const next = refreshToken(g.id);
        expect(await store.rotateRefreshToken(old.tokenHash, next, T0 + MIN)).toBe('rotated');

        const attacker = refreshToken(g.id);
        expect(await store.rotateRefreshToken(old.tokenHash, attacker, T0 + 2 * MIN)).toBe('reused');
        expect(await store.findRefreshToken(attacker.tokenHash)).toBeUndefined();
        expect((await store.findGrant(g.id))?.revokedAt).toBe(T0 + 2 * MIN);
        expect((await store.findRefreshToken(old.tokenHash))?.revokedAt).toBe(T0 + 2 * MIN);
        expect((await store.findRefreshToken(next.tokenHash))?.revokedAt).toBe(T0 + 2 * MIN);

        // The legitimate holder's token is dead now too.
        expect(await store.rotateRefreshToken(next.tokenHash, refreshToken(g.id), T0 + 3 * MIN)).toBe('invalid');
        expect(await store.rotateRefreshToken(old.tokenHash, refreshToken(g.id), T0 + 3 * MIN)).toBe('invalid');
      });

      it("answers 'invalid' for unknown, revoked or expired tokens and changes nothing", async () => {
        const g = grant();
        await store.createGrant(g);
        expect(await store.rotateRefreshToken('unknown', refreshToken(g.id), T0)).toBe('invalid');

        const expired = refreshToken(g.id, { expiresAt: T0 + MIN });
        await store.insertRefreshToken(expired);
        const next = refreshToken(g.id);
        expect(await store.rotateRefreshToken(expired.tokenHash, next, T0 + MIN)).toBe('invalid');
        expect(await store.findRefreshToken(expired.tokenHash)).toEqual(expired);
        expect(await store.findRefreshToken(next.tokenHash)).toBeUndefined();
        expect((await store.findGrant(g.id))?.revokedAt).toBeNull();

        const live = refreshToken(g.id);
        await store.insertRefreshToken(live);
        await store.revokeGrant(g.id, T0 + 2 * MIN);
        expect(await store.rotateRefreshToken(live.tokenHash, refreshToken(g.id), T0 + 3 * MIN)).toBe('invalid');
        expect((await store.findRefreshToken(live.tokenHash))?.rotatedAt).toBeNull();
      });

      it('race: 10 parallel rotations of one token give exactly one rotated', async () => {
        const g = grant();
        await store.createGrant(g);
        const old = refreshToken(g.id);
        await store.insertRefreshToken(old);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.rotateRefreshToken(old.tokenHash, refreshToken(g.id), T0 + MIN)),
        );
        expect(results.filter((r) => r === 'rotated')).toHaveLength(1);
        // The losers presented a token that had just been rotated: that is reuse, so the family is revoked.
        expect(results.filter((r) => r === 'reused').length).toBeGreaterThanOrEqual(1);
        expect((await store.findGrant(g.id))?.revokedAt).toBe(T0 + MIN);
      });
    });

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

    describe('signing keys', () => {
      it('lists keys newest first, up to the limit', async () => {
        const base = T0 + 1_000_000 * MIN; // later than anything another test inserts
        const key = (kid: string, createdAt: number): SigningKeyRecord => ({
          kid,
          alg: 'ES256',
          privateJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', d: kid }),
          publicJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', kid, alg: 'ES256', use: 'sig' }),
          createdAt,
        });
        const keys = [key(id('k'), base), key(id('k'), base + 2), key(id('k'), base + 1)];
        for (const k of keys) await store.insertSigningKey(k);
        expect(await store.listSigningKeys(2)).toEqual([keys[1], keys[2]]);
        expect((await store.listSigningKeys(10)).slice(0, 3)).toEqual([keys[1], keys[2], keys[0]]);
        await expect(store.insertSigningKey(keys[0]!)).rejects.toBeInstanceOf(StoreConflictError);

        // Keys made in the same millisecond (a fixed test clock): the one inserted last is newest.
        const tied = [key('zzz-' + randomUUID(), base + 3), key('aaa-' + randomUUID(), base + 3), key('mmm-' + randomUUID(), base + 3)];
        for (const k of tied) await store.insertSigningKey(k);
        expect((await store.listSigningKeys(3)).map((k) => k.kid)).toEqual([tied[2], tied[1], tied[0]].map((k) => k?.kid));
      });

      it('replaces a private key only while it is unchanged (re-encryption)', async () => {
        const kid = id('k');
        const record: SigningKeyRecord = { kid, alg: 'ES256', privateJwk: 'plain', publicJwk: '{}', createdAt: T0 + 2_000_000 * MIN };
        await store.insertSigningKey(record);
        expect(await store.replaceSigningKeyPrivateJwk(kid, 'plain', 'sealed-1')).toBe(true);
        expect(await store.replaceSigningKeyPrivateJwk(kid, 'plain', 'sealed-2')).toBe(false);
        expect(await store.replaceSigningKeyPrivateJwk(id('k'), 'sealed-1', 'sealed-2')).toBe(false);
        expect((await store.listSigningKeys(1))[0]).toEqual({ ...record, privateJwk: 'sealed-1' });
      });
    });

    describe('sessions', () => {
      const session = (over: Partial<SessionRecord> = {}): SessionRecord => ({
        idHash: id('s'),
        userId: id('u'),
        authTime: T0,
        createdAt: T0,
        expiresAt: T0 + 60 * MIN,
        data: '{}',
        ...over,
      });

      it('keeps at most maxPerUser live sessions per user: the oldest goes on the one-more sign-in', async () => {
        const userId = id('u');
        const other = session({ userId: id('u'), createdAt: T0 });
        await store.createSession(other, 3);
        const made = [];
        for (let i = 0; i < 5; i++) {
          const s = session({ userId, createdAt: T0 + i * MIN, expiresAt: T0 + 600 * MIN });
          await store.createSession(s, 3);
          made.push(s);
        }
        const live = async (s: SessionRecord) => (await store.findSession(s.idHash, T0 + 10 * MIN)) !== undefined;
        expect(await Promise.all(made.map(live))).toEqual([false, false, true, true, true]);
        // Another person's sessions are not touched.
        expect(await live(other)).toBe(true);
        // An expired session does not hold a place: it goes, and a live older one stays.
        const u2 = id('u');
        const expired = session({ userId: u2, createdAt: T0, expiresAt: T0 + MIN });
        const older = session({ userId: u2, createdAt: T0 + MIN, expiresAt: T0 + 600 * MIN });
        await store.createSession(expired, 2);
        await store.createSession(older, 2);
        await store.createSession(session({ userId: u2, createdAt: T0 + 2 * MIN, expiresAt: T0 + 600 * MIN }), 2);
        expect(await store.findSession(expired.idHash, T0)).toBeUndefined();
        expect(await live(older)).toBe(true);
      });

      it('creates, finds (until expiry), updates data and deletes sessions', async () => {
        const s = session({ data: '{"confirming":"BCDFGHJK"}' });
        await store.createSession(s, MANY);
        expect(await store.findSession(s.idHash, T0 + MIN)).toEqual(s);
        expect(await store.findSession(s.idHash, s.expiresAt)).toBeUndefined();
        expect(await store.findSession('unknown', T0)).toBeUndefined();

        expect(await store.updateSessionData(s.idHash, '{"result":{"kind":"approved"}}', T0 + MIN)).toBe(true);
        expect((await store.findSession(s.idHash, T0 + MIN))?.data).toBe('{"result":{"kind":"approved"}}');
        expect(await store.updateSessionData(s.idHash, '{}', s.expiresAt)).toBe(false);
        expect(await store.updateSessionData('unknown', '{}', T0)).toBe(false);

        await expect(store.createSession(s, MANY)).rejects.toBeInstanceOf(StoreConflictError);
        await store.deleteSession(s.idHash);
        expect(await store.findSession(s.idHash, T0 + MIN)).toBeUndefined();
        await store.deleteSession(s.idHash); // idempotent
      });
    });

    describe('throttles (progressive delays)', () => {
      const state = (failures: number, at: number) => ({ failures, nextAllowedAt: at + failures * 1_000, expiresAt: at + 15 * MIN });

      it('claims from the state seen, forgets an expired one, and clears', async () => {
        const subject = id('th');
        expect(await store.peekThrottle(subject, T0)).toBeUndefined();
        expect(await store.claimThrottle(subject, undefined, state(1, T0), T0)).toBe(true);
        expect(await store.peekThrottle(subject, T0)).toEqual(state(1, T0));
        // A stale view (none, or an older state) claims nothing.
        expect(await store.claimThrottle(subject, undefined, state(1, T0), T0 + 1)).toBe(false);
        expect(await store.claimThrottle(subject, state(0, T0), state(2, T0), T0 + 1)).toBe(false);
        expect(await store.claimThrottle(subject, state(1, T0), state(2, T0 + 1), T0 + 1)).toBe(true);
        expect(await store.peekThrottle(subject, T0 + 2)).toEqual(state(2, T0 + 1));
        // Expired: gone for peek, and a claim from "none" takes the row over.
        const later = T0 + 1 + 15 * MIN;
        expect(await store.peekThrottle(subject, later)).toBeUndefined();
        expect(await store.claimThrottle(subject, state(2, T0 + 1), state(3, later), later)).toBe(false);
        expect(await store.claimThrottle(subject, undefined, state(1, later), later)).toBe(true);
        await store.clearThrottle(subject);
        expect(await store.peekThrottle(subject, later)).toBeUndefined();
        await store.clearThrottle(subject); // idempotent
      });

      it('race: of 20 claims from one state exactly one wins', async () => {
        const subject = id('th');
        const fresh = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimThrottle(subject, undefined, state(1, T0 + i), T0)));
        expect(fresh.filter(Boolean)).toHaveLength(1);
        const seen = await store.peekThrottle(subject, T0);
        const next = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimThrottle(subject, seen, state(2, T0 + i), T0)));
        expect(next.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('rate limits', () => {
      it('counts hits per key in fixed windows and reports the previous window', async () => {
        const key = id('rl');
        const W = MIN;
        const start = Math.floor((T0 + 7 * W) / W) * W;
        expect(await store.peekRateLimit(key, W, start)).toEqual({ current: 0, previous: 0 });
        expect(await store.hitRateLimit(key, W, start)).toEqual({ current: 1, previous: 0 });
        expect(await store.hitRateLimit(key, W, start + W - 1)).toEqual({ current: 2, previous: 0 });
        expect(await store.peekRateLimit(key, W, start + 10)).toEqual({ current: 2, previous: 0 });
        // The next window starts from zero and sees this one as "previous".
        expect(await store.hitRateLimit(key, W, start + W)).toEqual({ current: 1, previous: 2 });
        // Two windows later nothing of the first is left.
        expect(await store.peekRateLimit(key, W, start + 2 * W)).toEqual({ current: 0, previous: 1 });
        // Other keys are separate counters.
        expect(await store.hitRateLimit(id('rl'), W, start)).toEqual({ current: 1, previous: 0 });
        await expect(store.hitRateLimit(key, 0, start)).rejects.toThrow(RangeError);
      });

      it('race: 40 concurrent hits on one key are all counted', async () => {
        const key = id('rl');
        const now = T0 + 3 * MIN;
        const results = await Promise.all(Array.from({ length: 40 }, () => store.hitRateLimit(key, MIN, now)));
        expect(results.map((r) => r.current).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        expect(await store.peekRateLimit(key, MIN, now)).toEqual({ current: 40, previous: 0 });
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
  });
}

// --- SQLite: always, in a fresh temp file. ----------------------------------------------------

const sqliteDir = mkdtempSync(join(tmpdir(), 'pairgate-store-'));
afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }));
describeStoreContract('sqlite', async () => openSqliteStore(join(sqliteDir, 'nested', 'pairgate.db')));

describe('sqlite specifics', () => {
  it('uses WAL and enforces foreign keys; in-memory databases work', async () => {
    const s = openSqliteStore(':memory:');
    expect(await s.migrate()).toBe(LATEST_VERSION);
    await expect(s.insertRefreshToken(refreshToken('no-such-grant'))).rejects.toThrow(/FOREIGN KEY/);
    await s.close();
    await s.close(); // idempotent

    const file = join(sqliteDir, 'wal', 'check.db');
    const f = openSqliteStore(file);
    await f.migrate();
    await f.close();
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([
      { version: 1, name: 'initial' },
      { version: 2, name: 'sessions-rate-limits' },
      { version: 3, name: 'authorization-codes' },
      { version: 4, name: 'client-auth' },
      { version: 5, name: 'authorization-response' },
      { version: 6, name: 'readiness' },
      { version: 7, name: 'throttles' },
      { version: 8, name: 'cross-device' },
    ]);
    raw.close();
  });

  it('migration 4 gives existing authorization code clients response_types ["code"]', async () => {
    const file = join(sqliteDir, 'm4', 'old.db');
    const { sqliteMigrations } = await import('./migrations/sqlite/index');
    const old = openSqliteStore(file);
    await old.close();
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(file);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
    for (const m of sqliteMigrations.slice(0, 3)) {
      raw.exec(m.sql);
      raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
    }
    const insert = raw.prepare(`INSERT INTO clients VALUES (?, 'x', 'public', 'none', NULL, ?, '[]', '[]', 1, 0)`);
    insert.run('web', '["authorization_code","refresh_token"]');
    insert.run('tv', '["urn:ietf:params:oauth:grant-type:device_code"]');
    raw.close();
    const s = openSqliteStore(file);
    expect(await s.migrate()).toBe(LATEST_VERSION);
    expect(await s.findClient('web')).toMatchObject({ responseTypes: ['code'], requirePkce: false, allowedAudiences: [], jwks: null });
    expect((await s.findClient('tv'))?.responseTypes).toEqual([]);
    await s.close();
  });
});

describe('openStore', () => {
  it('picks PostgreSQL for postgres:// and postgresql:// URLs, SQLite otherwise', async () => {
    const file = join(sqliteDir, 'open-store', 'pairgate.db');
    for (const url of [undefined, '', 'sqlite:whatever']) {
      const s = openStore(url, file);
      expect(s.kind).toBe('sqlite');
      await s.close();
    }
    // The pool connects lazily, so no server is needed to check the choice.
    for (const url of ['postgres://u@127.0.0.1:1/db', 'postgresql://u@127.0.0.1:1/db']) {
      const s = openStore(url, file);
      expect(s.kind).toBe('postgres');
      await s.close();
    }
  });
});

// --- PostgreSQL: when PAIRGATE_TEST_DATABASE_URL is set; a fresh schema per run. ------------------

const pgUrl = process.env.PAIRGATE_TEST_DATABASE_URL;
if (!pgUrl) {
  if (process.env.CI === 'true') {
    describe('Store contract: postgres', () => {
      it('needs PAIRGATE_TEST_DATABASE_URL in CI', () => {
        throw new Error('[store] PAIRGATE_TEST_DATABASE_URL is not set, but CI=true: PostgreSQL contract tests must run in CI (source scripts/pg-throwaway.sh)');
      });
    });
  } else {
    console.log('[store] PostgreSQL contract tests skipped: set PAIRGATE_TEST_DATABASE_URL=postgres://… to run them (scripts/pg-throwaway.sh starts one)');
  }
}

const schema = uniqueSchema('contract');
const admin = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withClient(pgUrl ?? '', fn);

describeStoreContract(
  'postgres',
  async () => {
    await admin((c) => c.query(`CREATE SCHEMA "${schema}"`));
    return openPostgresStore(withSearchPath(pgUrl ?? '', schema), { poolSize: 12 });
  },
  { skip: !pgUrl },
);

describe.skipIf(!pgUrl)('postgres specifics', () => {
  const other = `${schema}_m`;
  afterAll(async () => {
    await admin(async (c) => {
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.query(`DROP SCHEMA IF EXISTS "${other}" CASCADE`);
    });
  });

  it('two instances migrating at once both end at the latest version, applying it once', async () => {
    await admin((c) => c.query(`CREATE SCHEMA "${other}"`));
    const stores = Array.from({ length: 4 }, () => openPostgresStore(withSearchPath(pgUrl ?? '', other), { poolSize: 2 }));
    try {
      expect(await Promise.all(stores.map((s) => s.migrate()))).toEqual(stores.map(() => LATEST_VERSION));
      const rows = await admin(async (c) => (await c.query(`SELECT version, name FROM "${other}".schema_migrations`)).rows);
      expect(rows).toEqual([
      { version: 1, name: 'initial' },
      { version: 2, name: 'sessions-rate-limits' },
      { version: 3, name: 'authorization-codes' },
      { version: 4, name: 'client-auth' },
      { version: 5, name: 'authorization-response' },
      { version: 6, name: 'readiness' },
      { version: 7, name: 'throttles' },
      { version: 8, name: 'cross-device' },
    ]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('migration 4 gives existing authorization code clients response_types ["code"]', async () => {
    const { postgresMigrations } = await import('./migrations/postgres/index');
    const old = `${schema}_m4`;
    try {
      await admin(async (c) => {
        await c.query(`CREATE SCHEMA "${old}"`);
        await c.query(`SET search_path TO "${old}"`);
        await c.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
        for (const m of postgresMigrations.slice(0, 3)) {
          await c.query(m.sql);
          await c.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [m.version, m.name]);
        }
        const insert = `INSERT INTO clients VALUES ($1, 'x', 'public', 'none', NULL, $2, '[]', '[]', TRUE, 0)`;
        await c.query(insert, ['web', '["authorization_code","refresh_token"]']);
        await c.query(insert, ['tv', '["urn:ietf:params:oauth:grant-type:device_code"]']);
      });
      const s = openPostgresStore(withSearchPath(pgUrl ?? '', old), { poolSize: 1 });
      try {
        expect(await s.migrate()).toBe(LATEST_VERSION);
        expect(await s.findClient('web')).toMatchObject({ responseTypes: ['code'], requirePkce: false, allowedAudiences: [], jwks: null });
        expect((await s.findClient('tv'))?.responseTypes).toEqual([]);
      } finally {
        await s.close();
      }
    } finally {
      await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${old}" CASCADE`));
    }
  });

  it('returns epoch-ms BIGINTs as numbers without touching pg’s global type parsers', async () => {
    expect(pg.types.getTypeParser(20, 'text')('1700000000000')).toBe('1700000000000');
  });
});
