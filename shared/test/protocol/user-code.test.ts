import { describe, expect, it } from 'vitest';
import {
  DIGIT_USER_CODE_LENGTH,
  USER_CODE_ALPHABET,
  USER_CODE_LENGTH,
  userCodeKind,
  formatUserCode,
  generateUserCode,
  normalizeUserCode,
  spellUserCode,
} from '../../src/protocol/user-code';

describe('normalizeUserCode', () => {
  it('accepts the canonical form', () => {
    expect(normalizeUserCode('WDJBMJHT')).toBe('WDJBMJHT');
  });

  it('is case-insensitive', () => {
    expect(normalizeUserCode('wdjbmjht')).toBe('WDJBMJHT');
    expect(normalizeUserCode('wDjB-mJhT')).toBe('WDJBMJHT');
  });

  it('ignores spaces, dashes and punctuation', () => {
    expect(normalizeUserCode('WDJB-MJHT')).toBe('WDJBMJHT');
    expect(normalizeUserCode('  wdjb mjht ')).toBe('WDJBMJHT');
    expect(normalizeUserCode('W.D.J.B_M,J:H/T')).toBe('WDJBMJHT');
    expect(normalizeUserCode('WDJB\tMJHT\n')).toBe('WDJBMJHT');
  });

  it('ignores Unicode dashes and invisible characters that phones and copy-paste insert', () => {
    expect(normalizeUserCode('WDJB–MJHT')).toBe('WDJBMJHT'); // en dash
    expect(normalizeUserCode('WDJB—MJHT')).toBe('WDJBMJHT'); // em dash
    expect(normalizeUserCode('\u200BWDJB\u00A0MJHT\uFEFF')).toBe('WDJBMJHT'); // ZWSP, NBSP, BOM
  });

  it('rejects the wrong length', () => {
    expect(normalizeUserCode('')).toBeUndefined();
    expect(normalizeUserCode('WDJB-MJH')).toBeUndefined();
    expect(normalizeUserCode('WDJB-MJHTX')).toBeUndefined();
    expect(normalizeUserCode('----')).toBeUndefined();
  });

  it('rejects vowels, Y and digits (not in the base-20 alphabet)', () => {
    for (const ch of ['A', 'E', 'I', 'O', 'U', 'Y', '0', '1', '5']) {
      expect(normalizeUserCode(`WDJB-MJH${ch}`), ch).toBeUndefined();
    }
  });

  it('rejects non-ASCII letters instead of dropping or case-mapping them', () => {
    expect(normalizeUserCode('WDJB-MJHß')).toBeUndefined(); // 'ß'.toUpperCase() is 'SS'
    expect(normalizeUserCode('WDJBMJſT')).toBeUndefined(); // long s upper-cases to 'S'
    expect(normalizeUserCode('WDJBMJHTé')).toBeUndefined();
    expect(normalizeUserCode('ＷDJBMJHT')).toBeUndefined(); // full-width W
  });

  it('rejects overlong input early', () => {
    expect(normalizeUserCode(`WDJBMJHT${' '.repeat(100)}`)).toBeUndefined();
  });
});

describe('digit codes (number-pad remotes)', () => {
  it('normalizes 9 ASCII digits with any separators, and tells the kinds apart', () => {
    expect(normalizeUserCode('123-456-789')).toBe('123456789');
    expect(normalizeUserCode(' 123 456 789 ')).toBe('123456789');
    expect(normalizeUserCode('123–456–789')).toBe('123456789');
    expect(userCodeKind('123456789')).toBe('digits');
    expect(userCodeKind('WDJBMJHT')).toBe('letters');
  });

  it('rejects other lengths, letters mixed with digits, and non-ASCII digits', () => {
    for (const bad of ['12345678', '1234567890', '123-456-78B', 'WDJB-1234', '١٢٣٤٥٦٧٨٩', '１２３４５６７８９', '12345678.9e0']) {
      expect(normalizeUserCode(bad), bad).toBeUndefined();
    }
  });

  it('are shown XXX-XXX-XXX and spelled in threes', () => {
    expect(formatUserCode('123456789')).toBe('123-456-789');
    expect(formatUserCode('123 456 789')).toBe('123-456-789');
    expect(spellUserCode('123-456-789')).toBe('1 2 3, 4 5 6, 7 8 9');
  });

  it('are generated uniformly: 9 digits that normalize to themselves', () => {
    const counts = new Map<string, number>();
    const draws = 30000;
    // One assertion per property over all draws, not three `expect`s per draw: 90,000 matcher
    // calls made this test slow enough to time out on a loaded machine.
    const malformed: string[] = [];
    for (let i = 0; i < draws; i++) {
      const code = generateUserCode('digits');
      if (code.length !== DIGIT_USER_CODE_LENGTH || !/^[0-9]{9}$/.test(code) || normalizeUserCode(code) !== code) malformed.push(code);
      for (const ch of code) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(malformed).toEqual([]);
    // Chi-squared with 9 degrees of freedom: 40 has p ≈ 7e-6; plain `byte % 10` (256 is not a
    // multiple of 10, so 0–5 come 26 times in 256 and 6–9 only 25) would score ≈ 100 here.
    const expected = (draws * DIGIT_USER_CODE_LENGTH) / 10;
    let chi2 = 0;
    for (let d = 0; d <= 9; d++) chi2 += ((counts.get(String(d)) ?? 0) - expected) ** 2 / expected;
    expect(chi2).toBeLessThan(40);
  });
});

describe('formatUserCode', () => {
  it('shows XXXX-XXXX', () => {
    expect(formatUserCode('WDJBMJHT')).toBe('WDJB-MJHT');
    expect(formatUserCode('wdjb mjht')).toBe('WDJB-MJHT');
  });
});

describe('spellUserCode', () => {
  it('spells each character, grouped', () => {
    expect(spellUserCode('WDJB-MJHT')).toBe('W D J B, M J H T');
  });
});

describe('generateUserCode', () => {
  it('makes 8 characters from the alphabet that normalize to themselves', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateUserCode();
      expect(code).toHaveLength(USER_CODE_LENGTH);
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      expect(normalizeUserCode(code)).toBe(code);
    }
  });

  it('is roughly uniform over the 20 characters', () => {
    const counts = new Map<string, number>();
    const draws = 20000;
    for (let i = 0; i < draws; i++) for (const ch of generateUserCode()) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const total = draws * USER_CODE_LENGTH;
    const expected = total / USER_CODE_ALPHABET.length; // 8000 each
    expect([...counts.keys()].sort().join('')).toBe([...USER_CODE_ALPHABET].sort().join(''));
    // Chi-squared with 19 degrees of freedom: 65 has p ≈ 6e-7 (no flaky CI), while plain
    // `byte % 20` without rejection sampling would score ≈ 175 here.
    let chi2 = 0;
    for (const ch of USER_CODE_ALPHABET) chi2 += ((counts.get(ch) ?? 0) - expected) ** 2 / expected;
    expect(chi2).toBeLessThan(65);
  });

  it('does not repeat (high entropy)', () => {
    const codes = new Set(Array.from({ length: 1000 }, generateUserCode));
    expect(codes.size).toBe(1000);
  });
});
