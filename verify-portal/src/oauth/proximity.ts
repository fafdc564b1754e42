import { randomInt } from 'node:crypto';
import { inCidr, parseAddress, parseCidr, sameNetwork } from '../net/address';
import type { ApprovalCheck, ClientRecord, NumberMatch, Proximity, ProximityPolicy } from '../store/store';

/**
 * Cross-device protection (RFC 10027, the cross-device flows BCP): device-code phishing works
 * because the person approving is rarely near the device that asked — an attacker starts the
 * flow on their own device and sends the code to a victim. So each approval is judged by where
 * the phone is relative to the device, and the client's policy says what a remote one gets.
 *
 * "Near" is one rule (`src/net/address.ts`): the same /24 (IPv4) or /64 (IPv6), loopback with
 * loopback, or both addresses inside one of the client's allowed networks (a campus or
 * corporate network spans many /24s). Addresses are those the server saw, so behind a proxy
 * `PAIRGATE_TRUST_PROXY` must be set, and a phone on mobile data is remote from a TV on Wi-Fi.
 */
export function proximityOf(client: Pick<ClientRecord, 'allowedNetworks'>, deviceAddress: string | null, phoneAddress: string): Proximity {
  if (!deviceAddress || !parseAddress(deviceAddress) || !parseAddress(phoneAddress)) return 'unknown';
  if (sameNetwork(deviceAddress, phoneAddress)) return 'near';
  for (const text of client.allowedNetworks) {
    const cidr = parseCidr(text);
    if (cidr && inCidr(deviceAddress, cidr) && inCidr(phoneAddress, cidr)) return 'near';
  }
  return 'remote';
}

/**
 * What the confirm screen asks for, by policy: `approve` (Approve / Deny), `warn` (the same,
 * with the "different network" warning), `match` (pick the number the screen shows, RFC 10027's
 * "authentication code"), `refuse` (a refusal page; the device is denied). Near is always
 * `approve`. An unknown place counts as remote where the policy guards (step-up, deny: fail
 * closed) but gets no warning under `warn`, which would claim a network it cannot know.
 */
export type ConfirmStep = 'approve' | 'warn' | 'match' | 'refuse';

export function stepFor(policy: ProximityPolicy, proximity: Proximity): ConfirmStep {
  if (proximity === 'near') return 'approve';
  switch (policy) {
    case 'off':
      return 'approve';
    case 'warn':
      return proximity === 'remote' ? 'warn' : 'approve';
    case 'step-up':
      return 'match';
    case 'deny':
      return 'refuse';
  }
}

/** A remote (or unplaced) approval that did not pass number matching: a limited grant, if the client limits one. */
export function isLimited(approval: ApprovalCheck): boolean {
  return approval.proximity !== 'near' && !approval.numberMatched;
}

/** The scopes a grant gets: all asked for, or for a limited one only the client's `remoteScopes`. */
export function grantedScopes(client: Pick<ClientRecord, 'remoteScopes'>, approval: ApprovalCheck | undefined, scopes: readonly string[]): string[] {
  const keep = approval && isLimited(approval) ? client.remoteScopes : null;
  return keep ? scopes.filter((s) => keep.includes(s)) : [...scopes];
}

/** When a limited grant stops refreshing (`remoteRefreshTtlSeconds` after it began); undefined when it does not. */
export function refreshUntil(client: Pick<ClientRecord, 'remoteRefreshTtlSeconds'>, approval: ApprovalCheck | undefined, now: number): number | undefined {
  const ttl = approval && isLimited(approval) ? client.remoteRefreshTtlSeconds : null;
  return ttl === null ? undefined : now + ttl * 1000;
}

/**
 * A number-matching draw: the number (10–99: two digits, no leading zero to drop) and two
 * distinct decoys, in random order, all from the CSPRNG. A guess is right one time in three;
 * a wrong pick denies the code, so there is one guess per code.
 */
export function drawNumberMatch(): NumberMatch {
  const picked = new Set<number>();
  while (picked.size < 3) picked.add(randomInt(10, 100));
  const choices = [...picked].map(String);
  const number = choices[0]!;
  // Fisher–Yates with randomInt: the right one is equally likely in each position.
  for (let i = choices.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [choices[i], choices[j]] = [choices[j]!, choices[i]!];
  }
  return { number, choices };
}
