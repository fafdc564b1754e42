/** The counters behind the limits (`src/limits/`): rate-limit windows and progressive delays. */

/** The counters a sliding-window limiter needs: this fixed window's and the one before it. */
export interface RateLimitCounts {
  current: number;
  previous: number;
}

/**
 * One subject's progressive delay (an account's failed sign-ins, see `src/limits/sign-in.ts`):
 * failures in the current run, when the next attempt may come, and when the run is forgotten.
 */
export interface ThrottleState {
  failures: number;
  nextAllowedAt: number;
  expiresAt: number;
}

export interface LimitStore {
  // Rate limits (fixed windows; the limiter combines two into a sliding estimate)
  /**
   * Adds one to `key`'s counter for the window of `windowMs` that contains `now`, atomically
   * (concurrent hits on any instance are all counted), and returns that window's count after
   * the hit plus the previous window's count. A key is always used with the same `windowMs`
   * (the limiter puts the window into its key names).
   */
  hitRateLimit(key: string, windowMs: number, now: number): Promise<RateLimitCounts>;
  /** The same counts without adding anything. */
  peekRateLimit(key: string, windowMs: number, now: number): Promise<RateLimitCounts>;

  // Progressive delays (compare-and-set, so racing attempts cannot share one slot)
  /** The subject's state, unless there is none or it expired at `now`. */
  peekThrottle(subject: string, now: number): Promise<ThrottleState | undefined>;
  /**
   * Replaces the subject's state with `next` if it is still `seen` (undefined: none, or expired
   * at `now`), atomically; false when another caller changed it first. Of racing claims from
   * one state exactly one is true.
   */
  claimThrottle(subject: string, seen: ThrottleState | undefined, next: ThrottleState, now: number): Promise<boolean>;
  /** Forgets the subject's state (a successful sign-in ends the run). */
  clearThrottle(subject: string): Promise<void>;
}
