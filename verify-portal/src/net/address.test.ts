import { describe, expect, it } from 'vitest';
import { inCidr, networkOf, normalizeAddress, parseAddress, parseCidr, sameNetwork } from './address';

describe('normalizeAddress', () => {
  it('unmaps IPv4-mapped IPv6, lower-cases IPv6, drops brackets and zones', () => {
    expect(normalizeAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('::FFFF:192.0.2.7')).toBe('192.0.2.7');
    expect(normalizeAddress('2001:DB8::1')).toBe('2001:db8::1');
    expect(normalizeAddress('[2001:db8::1]')).toBe('2001:db8::1');
    expect(normalizeAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeAddress('not-an-address')).toBe('not-an-address');
  });

  it('parses compressed IPv6 and embedded IPv4 tails', () => {
    expect(Array.from(parseAddress('2001:db8::1')?.bytes ?? [])).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(parseAddress('64:ff9b::192.0.2.1')?.bytes ?? []).slice(12)).toEqual([192, 0, 2, 1]);
    expect(parseAddress('::')?.bytes.every((b) => b === 0)).toBe(true);
    expect(parseAddress('300.1.1.1')).toBeUndefined();
  });
});

describe('sameNetwork', () => {
  it('treats every loopback form as one machine', () => {
    expect(sameNetwork('127.0.0.1', '::1')).toBe(true);
    expect(sameNetwork('::ffff:127.0.0.1', '127.0.0.2')).toBe(true);
    expect(sameNetwork('127.0.0.1', '192.168.1.10')).toBe(false);
  });

  it('compares IPv4 by /24, mapped or not', () => {
    expect(sameNetwork('192.168.1.10', '::ffff:192.168.1.200')).toBe(true);
    expect(sameNetwork('192.168.1.10', '192.168.2.10')).toBe(false);
    expect(sameNetwork('203.0.113.5', '198.51.100.5')).toBe(false);
  });

  it('compares IPv6 by /64, so privacy addresses on one link match', () => {
    expect(sameNetwork('2001:db8:1:2:a1b2:c3d4:e5f6:1', '2001:db8:1:2::99')).toBe(true);
    expect(sameNetwork('2001:db8:1:2::1', '2001:db8:1:3::1')).toBe(false);
    expect(sameNetwork('2001:db8:1:2::1', '192.0.2.1')).toBe(false);
  });

  it('falls back to string equality for what is not an address', () => {
    expect(sameNetwork('unknown', 'unknown')).toBe(true);
    expect(sameNetwork('unknown', '192.0.2.1')).toBe(false);
  });
});

describe('networkOf', () => {
  it('names the network', () => {
    expect(networkOf('192.168.1.77')).toBe('192.168.1.0/24');
    expect(networkOf('::ffff:10.1.2.3')).toBe('10.1.2.0/24');
    expect(networkOf('2001:db8:1:2:a1b2::1')).toBe('2001:db8:1:2::/64');
    expect(networkOf('::1')).toBe('loopback');
    expect(networkOf('127.8.8.8')).toBe('loopback');
  });
});

describe('CIDR', () => {
  it('parses blocks and bare addresses, refuses malformed ones', () => {
    expect(parseCidr('10.0.0.0/8')?.bits).toBe(8);
    expect(parseCidr('2001:db8::/32')?.bits).toBe(32);
    expect(parseCidr('192.0.2.1')?.bits).toBe(32);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0/8/1')).toBeUndefined();
    expect(parseCidr('nope/8')).toBeUndefined();
  });

  it('tests membership', () => {
    const lan = parseCidr('192.168.0.0/16');
    if (!lan) throw new Error('parse');
    expect(inCidr('192.168.44.1', lan)).toBe(true);
    expect(inCidr('::ffff:192.168.44.1', lan)).toBe(true);
    expect(inCidr('192.169.0.1', lan)).toBe(false);
    const v6 = parseCidr('2001:db8::/32');
    if (!v6) throw new Error('parse');
    expect(inCidr('2001:db8:ffff::1', v6)).toBe(true);
    expect(inCidr('2001:db9::1', v6)).toBe(false);
    expect(inCidr('192.168.44.1', v6)).toBe(false);
  });
});
