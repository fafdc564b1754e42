import { parseScope } from '@pairgate/shared';
import { parseCidr } from '../net/address';
import type { ClientRecord, ProximityPolicy, UserCodeKind } from '../store/store';

/**
 * The cross-device policy options of `clients add` and `clients set` (RFC 10027; README,
 * "Keeping the device flow safe"), parsed and checked in one place. Each option left out leaves
 * that setting as it is (`set`) or at its default (`add`).
 */
export const clientPolicyOptions = {
  proximity: { type: 'string' },
  'allowed-networks': { type: 'string' },
  'code-ttl': { type: 'string' },
  'user-code': { type: 'string' },
  'remote-scopes': { type: 'string' },
  'remote-refresh-ttl': { type: 'string' },
} as const;

export type ClientPolicy = Partial<
  Pick<ClientRecord, 'proximity' | 'allowedNetworks' | 'deviceCodeTtlSeconds' | 'userCodeKind' | 'remoteScopes' | 'remoteRefreshTtlSeconds'>
>;

export type ClientPolicyValues = Partial<Record<keyof typeof clientPolicyOptions, string>>;

/**
 * Device-code lifetimes a client may choose. RFC 8628 §5.1 bounds guessing by the code's
 * lifetime, and RFC 10027 asks for short-lived codes: 60 s is about the least a person needs to
 * find a phone and type a code; 30 minutes is already three times the default 10 minutes.
 */
export const CODE_TTL_RANGE = { min: 60, max: 1800 } as const;
/** A limited sign-in lasts at least a minute (shorter is an access token, not a sign-in) and at most a year. */
export const REMOTE_REFRESH_TTL_RANGE = { min: 60, max: 365 * 24 * 3600 } as const;

const PROXIMITY: readonly ProximityPolicy[] = ['off', 'warn', 'step-up', 'deny'];
const USER_CODE: readonly UserCodeKind[] = ['letters', 'digits'];

/** A policy problem, worded for the person at the command line. */
export class ClientPolicyError extends Error {}

/**
 * The options given, as client fields. `default` resets the code lifetime to the server's,
 * `all` keeps every scope on a remote approval, `none` lets a limited sign-in refresh as long as
 * any other, and an empty network list allows none.
 */
export function parseClientPolicy(values: ClientPolicyValues, clientScopes: readonly string[]): ClientPolicy {
  const policy: ClientPolicy = {};
  if (values.proximity !== undefined) policy.proximity = oneOf(values.proximity, PROXIMITY, '--proximity');
  if (values['user-code'] !== undefined) policy.userCodeKind = oneOf(values['user-code'], USER_CODE, '--user-code');
  if (values['allowed-networks'] !== undefined) {
    const networks = values['allowed-networks'].split(',').map((n) => n.trim()).filter(Boolean);
    const bad = networks.filter((n) => !parseCidr(n));
    if (bad.length > 0) throw new ClientPolicyError(`--allowed-networks: not a CIDR block: ${bad.join(', ')} (e.g. 10.0.0.0/8, 2001:db8::/32).`);
    policy.allowedNetworks = networks;
  }
  if (values['code-ttl'] !== undefined) {
    policy.deviceCodeTtlSeconds = values['code-ttl'] === 'default' ? null : seconds(values['code-ttl'], CODE_TTL_RANGE, '--code-ttl');
  }
  if (values['remote-refresh-ttl'] !== undefined) {
    policy.remoteRefreshTtlSeconds = values['remote-refresh-ttl'] === 'none' ? null : seconds(values['remote-refresh-ttl'], REMOTE_REFRESH_TTL_RANGE, '--remote-refresh-ttl');
  }
  if (values['remote-scopes'] !== undefined) {
    if (values['remote-scopes'] === 'all') policy.remoteScopes = null;
    else {
      const scopes = parseScope(values['remote-scopes']);
      if (!scopes) throw new ClientPolicyError('--remote-scopes must be a space-separated list of scope names, or all.');
      const foreign = scopes.filter((s) => !clientScopes.includes(s));
      if (foreign.length > 0) throw new ClientPolicyError(`--remote-scopes: the client may not ask for ${foreign.join(', ')} at all.`);
      policy.remoteScopes = scopes;
    }
  }
  return policy;
}

/** One line for `clients list`. */
export function describeClientPolicy(client: ClientRecord): string {
  return [
    `proximity=${client.proximity}`,
    `networks=${client.allowedNetworks.join(',') || '-'}`,
    `code-ttl=${client.deviceCodeTtlSeconds ?? 'default'}`,
    `user-code=${client.userCodeKind}`,
    `remote-scopes=${client.remoteScopes?.join(' ') ?? 'all'}`,
    `remote-refresh-ttl=${client.remoteRefreshTtlSeconds ?? 'none'}`,
  ].join(' ');
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  const found = allowed.find((a) => a === value);
  if (!found) throw new ClientPolicyError(`${flag} must be one of ${allowed.join(', ')}.`);
  return found;
}

function seconds(value: string, range: { min: number; max: number }, flag: string): number {
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= range.min && n <= range.max)) throw new ClientPolicyError(`${flag} must be a whole number of seconds from ${range.min} to ${range.max}.`);
  return n;
}
