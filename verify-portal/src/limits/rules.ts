/**
 * Limit rules shared by the portal's sign-in page and the OAuth core's password grant, so both
 * doors to one account count the same failures against the same numbers (framework-free: the
 * OAuth core may import it, and it imports nothing of the portal).
 */

export interface LimitRule {
  /** Part of the store key; a rule always uses the same window. */
  readonly name: string;
  /** Blocked once the sliding estimate of events in one window reaches this. */
  readonly limit: number;
  readonly windowMs: number;
}

const MINUTE = 60_000;

/**
 * A progressive delay: the first `freeFailures` failures of a run cost nothing; after that each
 * failure makes the next attempt wait, doubling from `firstDelayMs` up to `maxDelayMs`. A run is
 * forgotten `forgetAfterMs` after its last failure (or ended by a success).
 */
export interface ProgressiveDelay {
  readonly freeFailures: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly forgetAfterMs: number;
}

/**
 * Failed password checks, wherever the password was typed: the sign-in page (`/login`) and the
 * token endpoint's password grant (RFC 6749 §4.3.2) use these with the same subjects (the
 * client network, the SHA-256 of the lower-cased email), so they share one count.
 */
export const signInLimits = {
  /**
   * Failed sign-ins per client network (`networkOf`), across accounts: 30 per 15 minutes, then
   * one every 30 s. Stops a source spraying passwords over many accounts; a household or an
   * office mistyping now and then never meets it.
   */
  perNetwork: { name: 'login-network', limit: 30, windowMs: 15 * MINUTE },
  /**
   * Failed sign-ins per account, from anywhere: five free, then 1 s, 2 s, 4 s … doubling to at
   * most 2 minutes between attempts. Not a lock-out: whoever fails, the owner is at most two
   * minutes from an attempt (10 failures from 10 addresses: 32 s), where a fixed budget
   * (10 per 15 min) let other people keep the owner out for 15 minutes, renewably. Guessing
   * one account stays slow: past the cap, 30 attempts an hour. The run is forgotten 15 minutes
   * after its last failure, and ended by a successful sign-in.
   */
  accountDelay: { freeFailures: 5, firstDelayMs: 1_000, maxDelayMs: 2 * MINUTE, forgetAfterMs: 15 * MINUTE },
} as const satisfies { perNetwork: LimitRule; accountDelay: ProgressiveDelay };
