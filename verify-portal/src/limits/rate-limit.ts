/**
 * Sliding-window limits on top of the store's fixed-window counters (`hitRateLimit`). The
 * estimate weighs the previous window by how much of it still overlaps the last `windowMs`
 * (the "sliding window counter"): smooth like a log of events, two integers of storage.
 * Two ways to count: failures (wrong codes, wrong passwords: `blockedFor` before the work,
 * `recordFailure` after a failure; a blocked caller is refused before any work is done, right
 * answer or not, or the limit would not bound guessing), and every use of something costly
 * (device codes: `consume`, one atomic hit per check that both counts and decides).
 */
import type { RateLimitCounts, Store } from '../store/store';
import type { LimitRule } from './rules';

/** Events in the `windowMs` before `now`, estimated from the two fixed windows. */
export function slidingCount(counts: RateLimitCounts, windowMs: number, now: number): number {
  const elapsed = now - Math.floor(now / windowMs) * windowMs;
  return counts.previous * (1 - elapsed / windowMs) + counts.current;
}

export function isOverLimit(rule: LimitRule, counts: RateLimitCounts, now: number): boolean {
  return slidingCount(counts, rule.windowMs, now) >= rule.limit;
}

/**
 * Whole seconds until the estimate drops below the limit if nothing more happens (at least 1),
 * for `Retry-After` (RFC 9110 §10.2.3).
 */
export function retryAfterSeconds(rule: LimitRule, counts: RateLimitCounts, now: number): number {
  const W = rule.windowMs;
  const elapsed = now - Math.floor(now / W) * W;
  let waitMs: number;
  if (counts.current >= rule.limit) {
    // Not before this window ends; then `current` becomes `previous` and decays linearly.
    waitMs = W - elapsed + W * (1 - rule.limit / counts.current);
  } else if (counts.previous > 0) {
    // previous·(1 − (elapsed+t)/W) + current < limit
    waitMs = W * (1 - (rule.limit - counts.current) / counts.previous) - elapsed;
  } else {
    waitMs = 0;
  }
  // Strictly after the boundary (at it the estimate still equals the limit), in whole seconds.
  // (Rounded to the millisecond first so float error cannot land exactly on the boundary.)
  return Math.max(1, Math.floor(Math.round(waitMs) / 1000) + 1);
}

/** One rule applied to one subject (an address, a session, an account, or everyone). */
export interface LimitCheck {
  rule: LimitRule;
  subject: string;
}

const keyOf = (check: LimitCheck): string => `${check.rule.name}:${check.subject}`;

/** Each check's counts, without adding anything. */
export function peekAll(store: Store, checks: readonly LimitCheck[], now: number): Promise<RateLimitCounts[]> {
  return Promise.all(checks.map((c) => store.peekRateLimit(keyOf(c), c.rule.windowMs, now)));
}

/** Undefined when every check is under its limit (`counts[i]` belongs to `checks[i]`); else the longest `Retry-After`. */
export function blockedBy(checks: readonly LimitCheck[], counts: readonly RateLimitCounts[], now: number): number | undefined {
  let retryAfter: number | undefined;
  checks.forEach((check, i) => {
    const c = counts[i];
    if (c && isOverLimit(check.rule, c, now)) retryAfter = Math.max(retryAfter ?? 0, retryAfterSeconds(check.rule, c, now));
  });
  return retryAfter;
}

/** Undefined when every check is under its limit; else the longest `Retry-After` among the blocked ones. */
export async function blockedFor(store: Store, checks: readonly LimitCheck[], now: number): Promise<number | undefined> {
  return blockedBy(checks, await peekAll(store, checks, now), now);
}

/** Counts one failure against every check. */
export async function recordFailure(store: Store, checks: readonly LimitCheck[], now: number): Promise<void> {
  await Promise.all(checks.map((c) => store.hitRateLimit(keyOf(c), c.rule.windowMs, now)));
}

/**
 * Counts one use against every check and decides in the same step: undefined when it fits
 * (every estimate before this use was under its limit), else the longest `Retry-After`. A
 * refused use counts too, so a client that ignores `Retry-After` keeps itself blocked; the wait
 * is computed from the counts including it, i.e. until the next use would fit. The same rule as
 * `blockedFor`: blocked while the estimate is at or over the limit.
 */
export async function consume(store: Store, checks: readonly LimitCheck[], now: number): Promise<number | undefined> {
  const counts = await Promise.all(checks.map((c) => store.hitRateLimit(keyOf(c), c.rule.windowMs, now)));
  let retryAfter: number | undefined;
  checks.forEach((check, i) => {
    const after = counts[i];
    if (!after) return;
    const before = { previous: after.previous, current: after.current - 1 };
    if (isOverLimit(check.rule, before, now)) retryAfter = Math.max(retryAfter ?? 0, retryAfterSeconds(check.rule, after, now));
  });
  return retryAfter;
}
