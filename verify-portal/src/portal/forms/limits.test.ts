/**
 * Who the guessing limits hold back: the attacker, not everyone. In-process form handlers on a
 * real SQLite store and the real OAuth core, with a clock the test moves.
 */
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, TEST_PASSWORD_HASH } from '../../crypto/test-support';
import { digitGlobalGuessBudget, portalDefaults } from '../defaults';
import { csrfToken, newSecret } from '../session';
import { names, T0, usePortal, type SignedIn } from '../test-support';

const portal = usePortal({
  checksPasswords: true,
  users: [
    { id: 'victim', email: 'victim@example.com', name: 'victim' },
    { id: 'mallory', email: 'mallory@example.com', name: 'mallory' },
    { id: 'mallory2', email: 'mallory2@example.com', name: 'mallory2' },
  ],
});
const { post, signedIn: session } = portal;

const liveCode = (userCode: string) => portal.deviceCode({ userCode });

const enter = (s: SignedIn, code: string, ip: string) => post('/activate', { csrf: s.csrf, user_code: code }, s.cookies, ip);

describe('wrong codes: the global budget holds back failing accounts, never a person who has not guessed', () => {
  it('a victim with a valid session enters the right code while an attacker has spent the global budget', async () => {
    portal.ctx = { ...portal.ctx, settings: { ...portal.ctx.settings, limits: { ...portalDefaults.limits, codeGlobal: { ...portalDefaults.limits.codeGlobal, limit: 8 } } } };
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
    portal.now = T0 + 60_000;
    expect(await enter(s, 'ZZZZZZZZ', '198.51.100.7')).toMatchObject({ status: 429 });
    portal.now = T0 + 61_000;
    expect(await enter(s, 'ZZZZZZZZ', '198.51.100.7')).toMatchObject({ kind: 'redirect', location: '/activate' });
  });
});

describe('wrong digit codes: budgets of their own kind, sized for 10^9 codes (RFC 8628 §5.1)', () => {
  const N = digitGlobalGuessBudget;

  /** N wrong codes from six new accounts (none reaches its own limit), each from a fresh session and network. */
  async function guessWrong(wrong: string, accounts: string): Promise<void> {
    for (let i = 0; i < 6; i++) await portal.store.createUser({ id: `${accounts}-${i}`, email: `${accounts}-${i}@example.com`, name: accounts, passwordHash: TEST_PASSWORD_HASH, createdAt: T0 });
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
      portal.now += delayFor(i + 1); // each guesser waits out the delay its predecessor set
    }
    portal.now -= delayFor(10);
    // The tenth failure set 2^(10−5) = 32 s.
    const blocked = await login('victim@example.com', TEST_PASSWORD, '198.51.100.7');
    expect(blocked).toEqual({ kind: 'page', status: 429, page: 'too-many-tries', retryAfterSeconds: 32 });
    portal.now += 31_999;
    expect(await login('victim@example.com', TEST_PASSWORD, '198.51.100.7')).toMatchObject({ status: 429, retryAfterSeconds: 1 });
    portal.now += 1;
    expect(await login('victim@example.com', TEST_PASSWORD, '198.51.100.7')).toMatchObject({ kind: 'redirect', location: '/activate' });
  });

  it('the delay doubles to a cap of two minutes and no further; another account is not slowed', async () => {
    let wait = 0;
    for (let i = 0; i < 20; i++) {
      portal.now += wait;
      await login('victim@example.com', `guess-${i}`, `203.0.${i}.9`);
      wait = delayFor(i + 1);
    }
    expect(wait).toBe(120_000);
    expect(await login('victim@example.com', TEST_PASSWORD, '198.51.100.7')).toMatchObject({ retryAfterSeconds: 120 });
    expect(await login('mallory@example.com', TEST_PASSWORD, '198.51.100.7')).toMatchObject({ kind: 'redirect', location: '/activate' });
  });

  it('a network spraying wrong passwords over many accounts is stopped; other networks are not', async () => {
    for (let i = 0; i < 30; i++) await login(`nobody${i}@example.com`, 'guess', `203.0.113.${i}`);
    expect(await login('victim@example.com', TEST_PASSWORD, '203.0.113.77')).toMatchObject({ status: 429 });
    expect(await login('victim@example.com', TEST_PASSWORD, '198.51.100.7')).toMatchObject({ kind: 'redirect', location: '/activate' });
  });
});

/** The account delay after the n-th failure: five free, then 1 s doubling to 2 minutes. */
function delayFor(n: number): number {
  return n < 5 ? 0 : Math.min(120_000, 1_000 * 2 ** (n - 5));
}
