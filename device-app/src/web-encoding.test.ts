import { describe, expect, it } from 'vitest';
import { chooseEncoding } from './web-encoding';

describe('chooseEncoding (RFC 9110 §12.5.3)', () => {
  const both = ['br', 'gzip'] as const;

  it('prefers brotli, then gzip, among what the client accepts', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd', both)).toBe('br');
    expect(chooseEncoding('gzip, deflate', both)).toBe('gzip');
    expect(chooseEncoding('br', ['gzip'])).toBeUndefined();
  });

  it('honours q-values, q=0 refusals and the wildcard', () => {
    expect(chooseEncoding('br;q=0, gzip', both)).toBe('gzip');
    expect(chooseEncoding('br;q=0.2, gzip;q=0.8', both)).toBe('gzip');
    expect(chooseEncoding('*', both)).toBe('br');
    expect(chooseEncoding('*;q=0', both)).toBeUndefined();
    expect(chooseEncoding('identity', both)).toBeUndefined();
    expect(chooseEncoding(undefined, both)).toBeUndefined();
    expect(chooseEncoding('BR;Q=1', both)).toBe('br');
  });
});
