import { describe, expect, it } from 'vitest';
import { timingSafeEqual } from '../src/timing-safe-equal';

describe('timingSafeEqual', () => {
  it('is true only for identical strings', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('', '')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'Abc')).toBe(false);
  });

  it('is false for prefixes and different lengths', () => {
    expect(timingSafeEqual('abc', 'abcd')).toBe(false);
    expect(timingSafeEqual('abcd', 'abc')).toBe(false);
    expect(timingSafeEqual('', 'a')).toBe(false);
    // Trailing NUL must not compare equal to "missing" (the loop pads the shorter with 0).
    expect(timingSafeEqual('abc', 'abc\u0000')).toBe(false);
  });

  it('compares non-ASCII by its UTF-8 bytes', () => {
    expect(timingSafeEqual('é', 'é')).toBe(true);
    expect(timingSafeEqual('é', 'e\u0301')).toBe(false);
  });
});
