import { utf8Encode } from './encoding';

/**
 * Compares two strings in time that depends only on their lengths, not on where they first
 * differ, so a secret cannot be guessed one character at a time (RFC 9700 §4.x; DESIGN:
 * "constant-time comparisons"). The length itself is not secret for the values we compare
 * (hash outputs and fixed-size tokens).
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = utf8Encode(a);
  const y = utf8Encode(b);
  const length = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
