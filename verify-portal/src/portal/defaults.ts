/**
 * Settings of the portal pages (sessions, code-guessing limits): what each does, its value,
 * and why. The OAuth core's own settings are in `src/defaults.ts`.
 */
import { DIGIT_USER_CODE_LENGTH, USER_CODE_ALPHABET, USER_CODE_LENGTH } from '@pairgate/shared';
import { defaults as coreDefaults } from '../defaults';
import type { LimitRule } from '../limits/rules';

export type { LimitRule } from '../limits/rules';

const MINUTE = 60_000;

const CODE_LIFETIME_MS = coreDefaults.deviceCodeTtlSeconds * 1000;
/** A number, not the literal 17: tests sign in against cheaper fixtures. */
const SCRYPT_LOG2N: number = coreDefaults.scryptLog2N;

/**
 * Wrong user codes: who is held back, and why RFC 8628 §5.1's bound still holds.
 *
 * Every code entry needs a signed-in session, so every guess comes from an account. Each
 * session and each account has budgets of its own (`codePerSession`, `codePerAccount`); the
 * shared budgets (`codePerNetwork`, `codeGlobal`) apply only to *failing* accounts — those with
 * `codeTrustedBelow` or more wrong codes in the last code lifetime. A person whose account has
 * not failed much is never held back by anyone else's guesses; an attacker's accounts fail
 * after two guesses each and then share one small global budget.
 *
 * The bound. A sliding-window counter with limit k lets an event through only while its
 * estimate, which is at least the current fixed window's own count, is below k: at most k per
 * fixed window, so at most 2k in any span of one window length. Over one code lifetime (600 s):
 *
 *   codes in the space           S = 20^8 = 2.56e10           (§6.1: base-20, 8 characters)
 *   live codes at once, at most  L = 1,000                    (a large deployment's peak)
 *   one wrong guess hits a live code with probability  L / S = 3.9e-8
 *   bound we keep: P = 1e-4 per 600 s ⇒ at most N = P · S / L = 2,560 wrong codes per 600 s
 *
 *   trusted accounts: fewer than K = 3 failures per 600 s window each, so ≤ 2K = 6 per span;
 *     accounts one attacker controls at once, at most A = 100 (accounts are made by the
 *     operator: there is no self sign-up), so ≤ 6A = 600 trusted wrong codes per span
 *   failing accounts: only while the global estimate is under G, so ≤ 2G per span
 *   2G + 6A ≤ N  ⇒  G = (2,560 − 600) / 2 = 980
 *
 * (Each account is also held to `codePerAccount`, ≤ 20 per span, so without the global budget
 * 128 accounts would already reach N.) Past G, failing accounts get 429 until the window slides
 * on; trusted ones carry on. More live codes at once scale N — and G — down by the same factor.
 *
 * Digit codes (a client's `userCodeKind: 'digits'`, 9 digits) are a space of their own: a typed
 * code's kind is known from its shape (`userCodeKind`; the kinds never overlap), a wrong digit
 * guess can only hit a digit code, and it counts against budgets of its own kind, so the bound
 * holds per kind and neither kind's guessers hold back the other's users. The same arithmetic:
 *
 *   codes in the space           S_d = 10^9                   (25.6× fewer than letters)
 *   bound we keep: P = 1e-4 per 600 s ⇒ at most N_d = P · S_d / L = 100 wrong digit codes per 600 s
 *   trusted accounts alone would bring 2K · A = 600 > N_d: no account is trusted with digit
 *     guesses, so every wrong digit code meets the digit budgets, failing account or not
 *   2G_d ≤ N_d  ⇒  G_d = 100 / 2 = 50
 *
 * The price of the smaller space: whoever spends the digit budget (5 accounts at their own
 * limit) makes everyone typing a digit code wait until the window slides on; letter codes are
 * not affected. A weight of 25.6 per digit guess in the letters' budget would not hold the bound
 * (a trusted account's one digit guess per window would be worth 25.6 letters: 2 · 25.6 · A =
 * 5,120 > N), and would let digit guessers hold back letter users.
 */
export const GLOBAL_GUESS_BOUND = 1e-4;
export const MAX_LIVE_CODES = 1_000;
export const CODE_SPACE = USER_CODE_ALPHABET.length ** USER_CODE_LENGTH;
/** N above: wrong codes per code lifetime that keep the success probability under the bound. */
export const guessesWithinBound = Math.floor((GLOBAL_GUESS_BOUND * CODE_SPACE) / MAX_LIVE_CODES);
/** K above: an account with fewer wrong codes than this in one code lifetime is trusted. */
export const TRUSTED_BELOW_FAILURES = 3;
/** A above. */
export const MAX_ATTACKER_ACCOUNTS = 100;
/** G above: the sliding limit of wrong codes from failing accounts per code lifetime. */
export const globalGuessBudget = Math.floor((guessesWithinBound - 2 * TRUSTED_BELOW_FAILURES * MAX_ATTACKER_ACCOUNTS) / 2);
/** S_d above. */
export const DIGIT_CODE_SPACE = 10 ** DIGIT_USER_CODE_LENGTH;
/** N_d above: wrong digit codes per code lifetime that keep the success probability under the bound. */
export const digitGuessesWithinBound = Math.floor((GLOBAL_GUESS_BOUND * DIGIT_CODE_SPACE) / MAX_LIVE_CODES);
/** G_d above: the sliding limit of wrong digit codes from every account per code lifetime. */
export const digitGlobalGuessBudget = Math.floor(digitGuessesWithinBound / 2);

export const portalDefaults = {
  /** How long a sign-in lasts (absolute). Half a day: long enough to pair a few screens, short
   * enough that a phone left signed in does not approve devices for weeks. */
  sessionTtlMs: 12 * 60 * MINUTE,
  /** Live sessions kept per account: the oldest is deleted on the next sign-in past it. 20 covers
   * a person's phones, tablets and laptops many times over; without a cap, repeated sign-ins
   * (a script, a stolen password) grow the sessions table without bound. */
  maxSessionsPerAccount: 20,
  /** Largest form body the portal reads; its forms are a few hundred bytes. */
  maxFormBytes: 16 * 1024,
  /** scrypt cost of password hashes (the core's setting, shared with the password grant). */
  scryptLog2N: SCRYPT_LOG2N,
  /** Access-token lifetime shown on /account/devices (the core's setting). */
  accessTokenTtlSeconds: coreDefaults.accessTokenTtlSeconds,
  /** See "Wrong user codes" above: accounts with fewer wrong codes than this are trusted. */
  codeTrustedBelow: TRUSTED_BELOW_FAILURES,
  limits: {
    /** Wrong codes per session: 5 in a burst, then about one every 12 s (sliding window). */
    codePerSession: { name: 'code-session', limit: 5, windowMs: MINUTE },
    /** Wrong codes per account, all its sessions together: 10 per code lifetime, so new
     * sessions (sign-ins are free) buy no more guesses. A person's typos never come near it. */
    codePerAccount: { name: 'code-account', limit: 10, windowMs: CODE_LIFETIME_MS },
    /** Wrong codes per client network (`networkOf`: one IPv4 /24, one IPv6 /64), from failing
     * accounts only: 10 in a burst, then one every 6 s. Stops one source with many accounts; a
     * trusted person on the same café Wi-Fi is not held back by it. */
    codePerNetwork: { name: 'code-network', limit: 10, windowMs: MINUTE },
    /** Wrong codes from failing accounts everywhere, over one code lifetime (`globalGuessBudget`). */
    codeGlobal: { name: 'code-global', limit: globalGuessBudget, windowMs: CODE_LIFETIME_MS },
    /** Wrong digit codes per client network, from every account (see "Digit codes" above): as
     * `codePerNetwork`, counted apart, so one source cannot spend the digit budget alone. */
    codePerNetworkDigits: { name: 'code-network-digits', limit: 10, windowMs: MINUTE },
    /** Wrong digit codes from every account everywhere, over one code lifetime (`digitGlobalGuessBudget`). */
    codeGlobalDigits: { name: 'code-global-digits', limit: digitGlobalGuessBudget, windowMs: CODE_LIFETIME_MS },
  } satisfies Record<string, LimitRule>,
  // Failed sign-ins are limited by `signInLimits` (src/limits/rules.ts), which the password
  // grant shares: a progressive delay per account and a budget per client network.
} as const;
