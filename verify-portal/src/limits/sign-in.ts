/**
 * The limits on failed password checks, for the sign-in page and the password grant alike:
 * a progressive delay per account (`signInLimits.accountDelay`) and a sliding budget per client
 * network (`signInLimits.perNetwork`). See `rules.ts` for the numbers and why.
 *
 * An attempt is admitted before the password is checked (a blocked caller learns nothing, right
 * password or not), and admitting it already counts it as a failure of the account's run — with
 * a compare-and-set in the store, so of racing attempts only one gets each slot. A success then
 * ends the run; a failure adds to the network's count.
 */
import { hashSecret } from '../crypto/hash';
import { networkOf } from '../net/address';
import type { Store, ThrottleState } from '../store/store';
import { blockedFor, recordFailure, type LimitCheck } from './rate-limit';
import { signInLimits, type ProgressiveDelay } from './rules';

export interface SignInSubjects {
  /** SHA-256 of the lower-cased email, so the limits tables hold no addresses. */
  readonly account: string;
  /** The client's network (`networkOf`): one /24 or /64 is one subject. */
  readonly network: string;
}

export function signInSubjects(email: string, clientAddress: string): SignInSubjects {
  return { account: hashSecret(email.trim().toLowerCase()), network: networkOf(clientAddress) };
}

/** How long after the `failures`-th failure of a run the next attempt must wait (ms). */
export function delayAfter(failures: number, rule: ProgressiveDelay = signInLimits.accountDelay): number {
  if (failures < rule.freeFailures) return 0;
  return Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** Math.min(failures - rule.freeFailures, 30));
}

/** Whole seconds from `now` until `at` (at least 1), for `Retry-After`: waiting that long is enough. */
function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}

const networkCheck = (subjects: SignInSubjects): LimitCheck[] => [{ rule: signInLimits.perNetwork, subject: subjects.network }];

/**
 * Undefined when this attempt may check a password (and it is now counted against the
 * account's run); else the `Retry-After` in seconds.
 */
export async function admitSignIn(store: Store, subjects: SignInSubjects, now: number): Promise<number | undefined> {
  const rule = signInLimits.accountDelay;
  const [network, seen] = await Promise.all([blockedFor(store, networkCheck(subjects), now), store.peekThrottle(subjects.account, now)]);
  const account = seen && now < seen.nextAllowedAt ? secondsUntil(seen.nextAllowedAt, now) : undefined;
  if (network !== undefined || account !== undefined) return Math.max(network ?? 0, account ?? 0);

  const failures = (seen?.failures ?? 0) + 1;
  const next: ThrottleState = { failures, nextAllowedAt: now + delayAfter(failures, rule), expiresAt: now + rule.forgetAfterMs };
  if (await store.claimThrottle(subjects.account, seen, next, now)) return undefined;
  // Another attempt took this slot a moment ago: wait for the one it set.
  const current = await store.peekThrottle(subjects.account, now);
  return secondsUntil(current?.nextAllowedAt ?? now, now);
}

/** The password was right: the account's run ends. */
export async function signInSucceeded(store: Store, subjects: SignInSubjects): Promise<void> {
  await store.clearThrottle(subjects.account);
}

/** The password was wrong (or the account unknown): the network's count goes up too. */
export async function signInFailed(store: Store, subjects: SignInSubjects, now: number): Promise<void> {
  await recordFailure(store, networkCheck(subjects), now);
}
