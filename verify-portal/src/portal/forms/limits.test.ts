/**
 * Who the guessing limits hold back: the attacker, not everyone. In-process form handlers on a
 * real SQLite store and the real OAuth core, with a clock the test moves.
 */
import { GrantType } from '@pairgate/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../crypto/hash';
import { TEST_PASSWORD_HASH, TEST_SCRYPT_LOG2N } from '../../crypto/test-support';
import { createProvider, type Provider } from '../../oauth/provider';
import { openSqliteStore } from '../../store/sqlite';
import type { Store } from '../../store/store';
import { digitGlobalGuessBudget, portalDefaults } from '../defaults';
import { cookieNames, createSession, csrfToken, newSecret } from '../session';
import { formHandlerFor } from './index';
import type { FormContext, FormResult } from './types';

const T0 = Date.UTC(2026, 0, 1, 12); // a whole minute: a window boundary for every rule
const names = cookieNames(false);
let store: Store;
let provider: Provider;
let now: number;
let ctx: FormContext;

beforeEach(async () => {
  now = T0;
  store = openSqliteStore(':memory:');
  await store.migrate();
  for (const [id, email] of [['victim', 'victim@example.com'], ['mallory', 'mallory@example.com'], ['mallory2', 'mallory2@example.com']]) {
    await store.createUser({ id: id!, email: email!, name: id!, passwordHash: TEST_PASSWORD_HASH, createdAt: T0 });
  }
  await store.upsertClient({
    clientId: 'tv', name: 'TV', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null,
    grantTypes: [GrantType.DeviceCode], redirectUris: [], scopes: ['openid'], firstParty: true, createdAt: T0,
  });
  provider = createProvider({ store, issuer: 'http://portal.test', now: () => now, onUnexpectedError: () => {} });
  // scrypt at the fixture's cost (2^10): the password check is real, the cost is not.
  ctx = { store, provider, secure: false, names, settings: { ...portalDefaults, scryptLog2N: TEST_SCRYPT_LOG2N } };
});
afterEach(async () => {
  provider.close();
  await store.close();
});

function post(path: string, form: Record<string, string>, cookies: Record<string, string>, clientIp: string): Promise<FormResult> {
  return formHandlerFor(path)!(ctx, { path, form: new URLSearchParams(form), cookies: new Map(Object.entries(cookies)), clientIp, now });
}

async function session(userId: string) {
  const { secret } = await createSession(store, userId, now, portalDefaults.sessionTtlMs);
  return { cookies: { [names.session]: secret }, csrf: csrfToken(secret, 'session') };
}

async function liveCode(userCode: string): Promise<void> {
  await store.insertDeviceCode({
    deviceCodeHash: hashSecret(newSecret()), userCode, clientId: 'tv', scope: 'openid', deviceName: 'Hall TV', deviceModel: null,
    clientIp: '192.0.2.1', createdAt: now, expiresAt: now + 600_000, interval: 5, lastPolledAt: null, status: 'pending', userId: null, decidedAt: null,
  });
}

const enter = async (s: Awaited<ReturnType<typeof session>>, code: string, ip: string) => post('/activate', { csrf: s.csrf, user_code: code }, s.cookies, ip);

describe('wrong codes: the global budget holds back failing accounts, never a person who has not guessed', () => {
  it('a victim with a valid session enters the right code while an attacker has spent the global budget', async () => {
    ctx = { ...ctx, settings: { ...ctx.settings, limits: { ...portalDefaults.limits, codeGlobal: { ...portalDefaults.limits.codeGlobal, limit: 8 } } } };
    await liveCode('BCDFGHJK');
    // The attacker: two accounts, a fresh session and address for every guess (no per-session,
    // per-network limit is reached), until the global budget is spent.
    for (let i = 0; i < 8; i++) {
      const s = await session(i % 2 ? 'mallory' : 'mallory2');
      expect(await enter(s, 'ZZZZZZZZ', `203.0.${i}.1`)).toEqual({ kind: 'redirect', location: '/activate' });
    }
    const blocked = await enter(await session('mallory'), 'BCDFGHJK', '203.0.99.1');
    expect(blocked).toMatchObject({ kind: 'page', status: 429, page: 'too-many-tries' });

    // The victim, even after one typo of their own, gets to the confirm screen.
    const victim = await session('victim');
    expect(await enter(victim, 'BCDFGHJZ', '198.51.100.7')).toEqual({ kind: 'redirect', location: '/activate' });
    expect(await enter(victim, 'BCDF-GHJK', '198.51.100.7')).toEqual({ kind: 'redirect', location: '/activate/confirm' });
    // On the attacker's own network too: the network budget is for failing accounts only.
    expect(await enter(await session('victim'), 'BCDFGHJK', '203.0.99.2')).toEqual({ kind: 'redirect', location: '/activate/confirm' });
  });

  it('an account that keeps failing is held back by its own budget, whatever sessions it opens', async () => {
    for (let i = 0; i < portalDefaults.limits.codePerAccount.limit; i++) {
      expect(await enter(await session('mallory'), 'ZZZZZZZZ', `203.0.${i}.1`)).toMatchObject({ kind: 'redirect' });
    }
    expect(await enter(await session('mallory'), 'ZZZZZZZZ', '203.0.50.1')).toMatchObject({ status: 429 });
    expect(await enter(await session('victim'), 'ZZZZZZZZ', '203.0.50.1')).toMatchObject({ kind: 'redirect' });
  });

  it('a network with failing accounts is held back; the same network is open to a trusted account', async () => {
    for (let i = 0; i < portalDefaults.limits.codePerNetwork.limit; i++) {
      const user = ['mallory', 'mallory2'][i % 2]!;
      expect(await enter(await session(user), 'ZZZZZZZZ', `203.0.113.${i}`)).toMatchObject({ kind: 'redirect' });
    }
    expect(await enter(await session('mallory'), 'ZZZZZZZZ', '203.0.113.200')).toMatchObject({ status: 429 });
    expect(await enter(await session('mallory'), 'ZZZZZZZZ', '198.51.100.1')).toMatchObject({ kind: 'redirect' });
    expect(await enter(await session('victim'), 'ZZZZZZZZ', '203.0.113.201')).toMatchObject({ kind: 'redirect' });
  });

  it('Retry-After is exact at the window boundary: blocked a second before it, through at it', async () => {
    const s = await session('victim');
    for (let i = 0; i < 5; i++) await enter(s, 'ZZZZZZZZ', '198.51.100.7');
    const blocked = await enter(s, 'ZZZZZZZZ', '198.51.100.7');
    // 5 in this minute's window: blocked until it ends, then until 5·(1 − t/60) < 5, i.e. just
    // after the boundary: 60 whole seconds plus one.
    expect(blocked).toEqual({ kind: 'page', status: 429, page: 'too-many-tries', retryAfterSeconds: 61 });
    now = T0 + 60_000;
    expect(await enter(s, 'ZZZZZZZZ', '198.51.100.7')).toMatchObject({ status: 429 });
    now = T0 + 61_000;
    expect(await enter(s, 'ZZZZZZZZ', '198.51.100.7')).toMatchObject({ kind: 'redirect', location: '/activate' });
  });
});

describe('wrong digit codes: budgets of their own kind, sized for 10^9 codes (RFC 8628 §5.1)', () => {
  const N = digitGlobalGuessBudget;

  /** N wrong codes from six new accounts (none reaches its own limit), each from a fresh session and network. */
  async function guessWrong(wrong: string, accounts: string): Promise<void> {
    for (let i = 0; i < 6; i++) await store.createUser({ id: `${accounts}-${i}`, email: `${accounts}-${i}@example.com`, name: accounts, passwordHash: TEST_PASSWORD_HASH, createdAt: T0 });
    for (let i = 0; i < N; i++) {
      const s = await session(`${accounts}-${i % 6}`);
      expect(await enter(s, wrong, `203.0.${i}.1`)).toEqual({ kind: 'redirect', location: '/activate' });
    }
  }

  it('N letter wrong codes leave the next code through; N digit ones make it wait, whoever types it', async () => {
    await liveCode('BCDFGHJK');
    await liveCode('123456789');
    await guessWrong('ZZZZ-ZZZZ', 'letters');
    expect(await enter(await session('letters-0'), 'BCDFGHJK', '203.0.200.1')).toEqual({ kind: 'redirect', location: '/activate/confirm' });

    await guessWrong('987-654-321', 'digits');
    // Even a person who has not guessed, typing the right digit code: digit codes afford no trusted guesses.
    expect(await enter(await session('victim'), '123-456-789', '198.51.100.7')).toMatchObject({ kind: 'page', status: 429, page: 'too-many-tries' });
    // Letter codes are not held back by digit guessers.
    expect(await enter(await session('victim'), 'BCDF-GHJK', '198.51.100.7')).toEqual({ kind: 'redirect', location: '/activate/confirm' });
  });
});

describe('wrong passwords: a progressive delay per account, not a lock-out', () => {
  const pre = newSecret();
  const login = (email: string, password: string, ip: string) =>
    post('/login', { csrf: csrfToken(pre, 'login'), email, password, next: '/activate' }, { [names.preSession]: pre }, ip);

  it('10 wrong passwords from 10 addresses: the owner signs in 32 s later, not 15 minutes', async () => {
    for (let i = 0; i < 10; i++) {
      expect(await login('victim@example.com', `guess-${i}`, `203.0.${i}.9`)).toMatchObject({ kind: 'redirect', location: expect.stringMatching(/^\/login\?error=credentials/) });
      now += delayFor(i + 1); // each guesser waits out the delay its predecessor set
    }
    now -= delayFor(10);
    // The tenth failure set 2^(10−5) = 32 s.
    const blocked = await login('victim@example.com', 'correct horse', '198.51.100.7');
    expect(blocked).toEqual({ kind: 'page', status: 429, page: 'too-many-tries', retryAfterSeconds: 32 });
    now += 31_999;
    expect(await login('victim@example.com', 'correct horse', '198.51.100.7')).toMatchObject({ status: 429, retryAfterSeconds: 1 });
    now += 1;
    expect(await login('victim@example.com', 'correct horse', '198.51.100.7')).toMatchObject({ kind: 'redirect', location: '/activate' });
  });

  it('the delay doubles to a cap of two minutes and no further; another account is not slowed', async () => {
    let wait = 0;
    for (let i = 0; i < 20; i++) {
      now += wait;
      await login('victim@example.com', `guess-${i}`, `203.0.${i}.9`);
      wait = delayFor(i + 1);
    }
    expect(wait).toBe(120_000);
    expect(await login('victim@example.com', 'correct horse', '198.51.100.7')).toMatchObject({ retryAfterSeconds: 120 });
    expect(await login('mallory@example.com', 'correct horse', '198.51.100.7')).toMatchObject({ kind: 'redirect', location: '/activate' });
  });

  it('a network spraying wrong passwords over many accounts is stopped; other networks are not', async () => {
    for (let i = 0; i < 30; i++) await login(`nobody${i}@example.com`, 'guess', `203.0.113.${i}`);
    expect(await login('victim@example.com', 'correct horse', '203.0.113.77')).toMatchObject({ status: 429 });
    expect(await login('victim@example.com', 'correct horse', '198.51.100.7')).toMatchObject({ kind: 'redirect', location: '/activate' });
  });
});

/** The account delay after the n-th failure: five free, then 1 s doubling to 2 minutes. */
function delayFor(n: number): number {
  return n < 5 ? 0 : Math.min(120_000, 1_000 * 2 ** (n - 5));
}
