import { describe, expect, it } from 'vitest';
import type { ApprovalCheck } from '../store/store';
import { drawNumberMatch, grantedScopes, isLimited, proximityOf, refreshUntil, stepFor } from './proximity';

const NONE = { allowedNetworks: [] };

describe('proximityOf: the device against the phone, by network, not by string', () => {
  it.each([
    ['198.51.100.7', '198.51.100.200', 'near'],
    ['::ffff:198.51.100.7', '198.51.100.9', 'near'],
    ['127.0.0.1', '::1', 'near'],
    ['2001:db8:1:2::1', '2001:db8:1:2:abcd::9', 'near'],
    ['198.51.100.7', '203.0.113.7', 'remote'],
    ['2001:db8:1:2::1', '2001:db8:1:3::1', 'remote'],
    ['198.51.100.7', '2001:db8::1', 'remote'],
  ] as const)('device %s, phone %s: %s', (device, phone, expected) => {
    expect(proximityOf(NONE, device, phone)).toBe(expected);
  });

  it('is unknown when either address is missing or not an address (never "near" by accident)', () => {
    expect(proximityOf(NONE, null, '198.51.100.7')).toBe('unknown');
    expect(proximityOf(NONE, '', '198.51.100.7')).toBe('unknown');
    expect(proximityOf(NONE, 'unix-socket', 'unix-socket')).toBe('unknown');
    expect(proximityOf(NONE, '198.51.100.7', '')).toBe('unknown');
  });

  it("counts both inside one of the client's allowed networks as near, but not one in each", () => {
    const campus = { allowedNetworks: ['10.0.0.0/8', '2001:db8::/32', 'not a network'] };
    expect(proximityOf(campus, '10.1.2.3', '10.200.0.9')).toBe('near');
    expect(proximityOf(campus, '2001:db8:1::1', '2001:db8:ffff::1')).toBe('near');
    expect(proximityOf(campus, '10.1.2.3', '2001:db8::1')).toBe('remote');
    expect(proximityOf(campus, '10.1.2.3', '203.0.113.7')).toBe('remote');
    expect(proximityOf(NONE, '10.1.2.3', '10.200.0.9')).toBe('remote');
  });
});

describe('stepFor: what each policy asks of a phone', () => {
  it('near is always a plain approval', () => {
    for (const policy of ['off', 'warn', 'step-up', 'deny'] as const) expect(stepFor(policy, 'near')).toBe('approve');
  });

  it('remote: nothing, a warning, number matching, or a refusal', () => {
    expect(stepFor('off', 'remote')).toBe('approve');
    expect(stepFor('warn', 'remote')).toBe('warn');
    expect(stepFor('step-up', 'remote')).toBe('match');
    expect(stepFor('deny', 'remote')).toBe('refuse');
  });

  it('unknown fails closed where the policy guards, and is not called "another network" under warn', () => {
    expect(stepFor('step-up', 'unknown')).toBe('match');
    expect(stepFor('deny', 'unknown')).toBe('refuse');
    expect(stepFor('warn', 'unknown')).toBe('approve');
  });
});

describe('limited grants', () => {
  const client = { remoteScopes: ['openid', 'profile'], remoteRefreshTtlSeconds: 3600 };
  const remote: ApprovalCheck = { proximity: 'remote', policy: 'warn', numberMatched: false };
  const matched: ApprovalCheck = { proximity: 'remote', policy: 'step-up', numberMatched: true };
  const near: ApprovalCheck = { proximity: 'near', policy: 'warn', numberMatched: false };
  const asked = ['openid', 'profile', 'offline_access', 'devices:read'];

  it('a remote approval without a number matched keeps the remote scopes and ends after the remote lifetime', () => {
    expect(isLimited(remote)).toBe(true);
    expect(isLimited({ ...remote, proximity: 'unknown' })).toBe(true);
    expect(grantedScopes(client, remote, asked)).toEqual(['openid', 'profile']);
    expect(refreshUntil(client, remote, 1_000)).toBe(1_000 + 3_600_000);
  });

  it('near, number matched, or no approval at all: everything asked for, no end', () => {
    for (const approval of [near, matched, undefined]) {
      expect(grantedScopes(client, approval, asked)).toEqual(asked);
      expect(refreshUntil(client, approval, 1_000)).toBeUndefined();
    }
  });

  it('a client without remote limits limits nothing', () => {
    expect(grantedScopes({ remoteScopes: null }, remote, asked)).toEqual(asked);
    expect(refreshUntil({ remoteRefreshTtlSeconds: null }, remote, 1_000)).toBeUndefined();
  });
});

describe('drawNumberMatch', () => {
  it('draws three distinct two-digit numbers, the right one among them, in every position', () => {
    const positions = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const { number, choices } = drawNumberMatch();
      expect(number).toMatch(/^[1-9][0-9]$/);
      expect(choices).toHaveLength(3);
      expect(new Set(choices).size).toBe(3);
      for (const c of choices) expect(c).toMatch(/^[1-9][0-9]$/);
      positions.add(choices.indexOf(number));
    }
    // 300 draws: every position is taken (a fixed position would be a giveaway).
    expect([...positions].sort()).toEqual([0, 1, 2]);
  });
});
