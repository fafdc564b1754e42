import { describe, expect, it } from 'vitest';
import { formatScope, hasScope, parseScope } from '../../src/protocol/scope';

describe('parseScope', () => {
  it('splits on spaces and removes duplicates', () => {
    expect(parseScope('openid profile openid')).toEqual(['openid', 'profile']);
  });

  it('tolerates repeated, leading and trailing spaces', () => {
    expect(parseScope('  openid   email ')).toEqual(['openid', 'email']);
  });

  it('treats absent and empty scope as no scope', () => {
    expect(parseScope(undefined)).toEqual([]);
    expect(parseScope(null)).toEqual([]);
    expect(parseScope('')).toEqual([]);
  });

  it('accepts the whole RFC 6749 §3.3 character set', () => {
    expect(parseScope('read:things https://api.example/x!#$%&\'()*+,-./[]^_`{|}~')).toEqual([
      'read:things',
      'https://api.example/x!#$%&\'()*+,-./[]^_`{|}~',
    ]);
  });

  it('rejects tokens with forbidden characters', () => {
    expect(parseScope('openid "quoted"')).toBeUndefined();
    expect(parseScope('back\\slash')).toBeUndefined();
    expect(parseScope('tab\tseparated')).toBeUndefined();
    expect(parseScope('naïve')).toBeUndefined();
  });

  it('is case-sensitive', () => {
    expect(parseScope('OpenID openid')).toEqual(['OpenID', 'openid']);
  });
});

describe('formatScope / hasScope', () => {
  it('joins unique tokens with single spaces', () => {
    expect(formatScope(['openid', 'email', 'openid'])).toBe('openid email');
  });

  it('finds whole tokens only', () => {
    expect(hasScope('openid offline_access', 'offline_access')).toBe(true);
    expect(hasScope('openid offline_access', 'offline')).toBe(false);
    expect(hasScope(['openid'], 'openid')).toBe(true);
    expect(hasScope('', '')).toBe(false);
    expect(hasScope('openid  email', '')).toBe(false);
  });
});
