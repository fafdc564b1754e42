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
 * Failed password checks, wherever the password was typed: the sign-in page (`/login`) and the
 * token endpoint's password grant (RFC 6749 §4.3.2) use these rules with the same subjects (the
 * client address, the SHA-256 of the lower-cased email), so they share one count.
 */
export const signInLimits = {
  /** Failed sign-ins per account: slows password guessing without locking the owner out for long. */
  perAccount: { name: 'login-account', limit: 10, windowMs: 15 * MINUTE },
  /** Failed sign-ins per client address, across accounts (password spraying). */
  perIp: { name: 'login-ip', limit: 30, windowMs: 15 * MINUTE },
} as const satisfies Record<string, LimitRule>;
