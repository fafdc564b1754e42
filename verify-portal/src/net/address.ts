/**
 * Client addresses as networks: one normal form per address, and "same network" decided on
 * prefixes, not strings. Used wherever two requests' addresses are compared (the confirm
 * screen's "different network" warning, the cross-device proximity policy) and for the
 * per-network limits, so every comparison follows the same rule.
 *
 * The rule, and why:
 * - IPv4-mapped IPv6 (`::ffff:192.0.2.1`) is the IPv4 address it maps: a dual-stack socket
 *   reports IPv4 peers that way.
 * - Loopback (127.0.0.0/8 and ::1) is one network: it is the same machine.
 * - IPv4 compares by /24: a home or office LAN behind one NAT shows one public address, and a
 *   carrier-grade NAT pool or a small LAN rarely spans more than a /24.
 * - IPv6 compares by /64: the standard size of one link's subnet (RFC 4291 §2.5.4); privacy
 *   addresses (RFC 8981) change the low 64 bits, never the prefix, so two devices on one home
 *   network share it.
 * An address that does not parse is only ever "the same" as the identical string.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type AddressFamily = 4 | 6;

export interface ParsedAddress {
  family: AddressFamily;
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: Uint8Array;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`; IPv6 lower-cased and zone dropped; anything else trimmed. */
export function normalizeAddress(address: string): string {
  let text = address.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone !== -1 && isIPv6(text)) text = text.slice(0, zone);
  const lower = text.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(lower.slice(7))) return lower.slice(7);
  return isIPv6(lower) ? lower : text;
}

/** The address as bytes, or undefined when it is not an IP address. */
export function parseAddress(address: string): ParsedAddress | undefined {
  const text = normalizeAddress(address);
  if (isIPv4(text)) return { family: 4, bytes: Uint8Array.from(text.split('.').map(Number)) };
  if (!isIPv6(text)) return undefined;
  return { family: 6, bytes: ipv6Bytes(text) };
}

function ipv6Bytes(text: string): Uint8Array {
  // An embedded IPv4 tail (`64:ff9b::192.0.2.1`) becomes two groups.
  let body = text;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (tail?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = tail[1].split('.').map(Number);
    body = `${body.slice(0, -tail[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = body.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

function isLoopback(parsed: ParsedAddress): boolean {
  if (parsed.family === 4) return parsed.bytes[0] === 127;
  return parsed.bytes.every((byte, i) => byte === (i === 15 ? 1 : 0));
}

/** Whether the first `bits` bits of two same-family addresses are equal. */
function samePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let i = 0; i < bits; i += 8) {
    const mask = bits - i >= 8 ? 0xff : (0xff << (8 - (bits - i))) & 0xff;
    if (((a[i / 8] ?? 0) & mask) !== ((b[i / 8] ?? 0) & mask)) return false;
  }
  return true;
}

/** Prefix lengths that make "one network" (see the rule above). */
export const NETWORK_PREFIX_BITS: Readonly<Record<AddressFamily, number>> = { 4: 24, 6: 64 };

/**
 * A stable name for the network an address is on (`198.51.100.0/24`, `2001:db8:1:2::/64`,
 * `loopback`), e.g. as a rate-limit subject; the normalised string for a non-address.
 */
export function networkOf(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed) return normalizeAddress(address);
  if (isLoopback(parsed)) return 'loopback';
  const bits = NETWORK_PREFIX_BITS[parsed.family];
  const masked = parsed.bytes.map((byte, i) => (i * 8 >= bits ? 0 : i * 8 + 8 <= bits ? byte : byte & ((0xff << (8 - (bits - i * 8))) & 0xff)));
  if (parsed.family === 4) return `${masked.join('.')}/${bits}`;
  const groups: string[] = [];
  for (let i = 0; i < bits / 8; i += 2) groups.push((((masked[i] ?? 0) << 8) | (masked[i + 1] ?? 0)).toString(16));
  return `${groups.join(':')}::/${bits}`;
}

/** Whether two client addresses are on the same network (see the rule above). */
export function sameNetwork(a: string, b: string): boolean {
  const pa = parseAddress(a);
  const pb = parseAddress(b);
  if (!pa || !pb) return normalizeAddress(a) === normalizeAddress(b);
  if (isLoopback(pa) || isLoopback(pb)) return isLoopback(pa) && isLoopback(pb);
  if (pa.family !== pb.family) return false;
  return samePrefix(pa.bytes, pb.bytes, NETWORK_PREFIX_BITS[pa.family]);
}

export interface Cidr {
  family: AddressFamily;
  bytes: Uint8Array;
  bits: number;
}

/** `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128); undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', bitsText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const parsed = parseAddress(address);
  if (!parsed) return undefined;
  const max = parsed.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return undefined;
  return { family: parsed.family, bytes: parsed.bytes, bits };
}

/** Whether the address lies inside the CIDR block. */
export function inCidr(address: string, cidr: Cidr): boolean {
  const parsed = parseAddress(address);
  return parsed !== undefined && parsed.family === cidr.family && samePrefix(parsed.bytes, cidr.bytes, cidr.bits);
}
