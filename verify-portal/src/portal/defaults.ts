/**
 * Settings of the portal pages (sessions, guessing and sign-in limits): what each does, its
 * value, and why. The OAuth core's own settings are in `src/defaults.ts`.
 */
import { USER_CODE_ALPHABET, USER_CODE_LENGTH } from '@pairgate/shared';
import { defaults as coreDefaults } from '../defaults';
import { signInLimits, type LimitRule } from '../limits/rules';

export type { LimitRule } from '../limits/rules';

const MINUTE = 60_000;

/**
 * RFC 8628 §5.1 global failure budget for wrong user codes, across all clients and instances.
 *
 *   codes in the space           S = 20^8 = 2.56e10           (§6.1: base-20, 8 characters)
 *   live codes at once, at most  L = 1,000                    (a large deployment's peak)
 *   one wrong guess hits a live code with probability  L / S = 3.9e-8
 *   over one code lifetime (600 s), G guesses succeed with probability ≤ G · L / S
 *   bound we keep:               P = 1e-4 per 600 s
 *   ⇒ G = P · S / L = 1e-4 · 2.56e10 / 1e3 = 2,560 wrong codes per 600 s
 *
 * Past the budget every code entry gets 429 until the window slides on: the portal trades a
 * short outage for the bound. More live codes at once → scale the budget down by the same factor.
 */
export const GLOBAL_GUESS_BOUND = 1e-4;
export const MAX_LIVE_CODES = 1_000;
export const CODE_SPACE = USER_CODE_ALPHABET.length ** USER_CODE_LENGTH;
export const globalGuessBudget = Math.floor((GLOBAL_GUESS_BOUND * CODE_SPACE) / MAX_LIVE_CODES);

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
  /** Access-token lifetime shown on /account/devices (the core's setting). */
  accessTokenTtlSeconds: coreDefaults.accessTokenTtlSeconds,
  limits: {
    /** Wrong codes per client address: 5 in a burst, then about one every 12 s (sliding window). */
    codePerIp: { name: 'code-ip', limit: 5, windowMs: MINUTE },
    /** Wrong codes per session, the same, so one phone cannot hop addresses to keep guessing. */
    codePerSession: { name: 'code-session', limit: 5, windowMs: MINUTE },
    /** Wrong codes from everyone (see `globalGuessBudget`), over one code lifetime. */
    codeGlobal: { name: 'code-global', limit: globalGuessBudget, windowMs: coreDefaults.deviceCodeTtlSeconds * 1000 },
    /** Failed sign-ins per account (shared with the password grant, see `src/limits/rules.ts`). */
    loginPerAccount: signInLimits.perAccount,
    /** Failed sign-ins per client address (shared with the password grant). */
    loginPerIp: signInLimits.perIp,
  } satisfies Record<string, LimitRule>,
} as const;
