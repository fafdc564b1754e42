/**
 * User codes (RFC 8628 §6.1): base-20 consonants, no vowels (no words) and no easily confused
 * characters. 8 characters give 20^8 ≈ 2.56e10 codes (≈ 34.5 bits); shown as XXXX-XXXX.
 *
 * A client may use digit codes instead (§6.1 suggests them for devices with a number pad, such
 * as TV remotes): 9 digits, 10^9 codes (≈ 29.9 bits, 25.6× fewer, so a guess is 25.6× likelier
 * to hit; the README's "Keeping the device flow safe" has the §5.1 arithmetic), shown
 * XXX-XXX-XXX. The two kinds never overlap — letters have no digits — so one normaliser reads
 * both without knowing the client.
 */
import { randomBytes } from '../encoding';

export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;
export const DIGIT_USER_CODE_LENGTH = 9;

export type UserCodeKind = 'letters' | 'digits';

/** Longer input cannot be a code even with generous separators; stops work on pasted junk early. */
const MAX_USER_CODE_INPUT = 64;

/**
 * Normalizes what a person typed: case-insensitive, and ignores whitespace, dashes (any Unicode
 * dash a phone keyboard may substitute) and other punctuation, plus invisible format characters
 * from copy-paste. Returns the canonical form — 8 letters, or 9 digits for a digit code — or
 * `undefined` if it cannot be a code (wrong length, vowels, letters mixed with digits, any other
 * letter or symbol, non-ASCII digits).
 */
export function normalizeUserCode(input: string): string | undefined {
  if (input.length > MAX_USER_CODE_INPUT) return undefined;
  // Upper-case ASCII only: String#toUpperCase maps some non-ASCII letters onto ASCII ones
  // ('ß' → 'SS', 'ſ' → 'S'), which would accept text nobody was shown.
  const compact = input
    .replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32))
    .replace(/[\s\p{P}\p{Cf}]/gu, '');
  if (/^[0-9]{9}$/.test(compact)) return compact;
  if (compact.length !== USER_CODE_LENGTH) return undefined;
  for (const ch of compact) if (!USER_CODE_ALPHABET.includes(ch)) return undefined;
  return compact;
}

/** Which kind a canonical code is. */
export function userCodeKind(canonical: string): UserCodeKind {
  return /^[0-9]+$/.test(canonical) ? 'digits' : 'letters';
}

/** The groups a code is shown in: `WDJB`,`MJHT` or `123`,`456`,`789`. */
function groups(code: string): string[] {
  const canonical = normalizeUserCode(code) ?? code;
  if (userCodeKind(canonical) === 'digits' && canonical.length === DIGIT_USER_CODE_LENGTH) return [canonical.slice(0, 3), canonical.slice(3, 6), canonical.slice(6)];
  return [canonical.slice(0, 4), canonical.slice(4)];
}

/** Formats a canonical code for display: `WDJBMJHT` → `WDJB-MJHT`, `123456789` → `123-456-789`. */
export function formatUserCode(code: string): string {
  return groups(code).join('-');
}

/** Spells a code out for screen readers: `WDJB-MJHT` → `W D J B, M J H T`. */
export function spellUserCode(code: string): string {
  return groups(code)
    .map((group) => [...group].join(' '))
    .join(', ');
}

/**
 * Generates a uniformly random user code of a kind (`randomBytes`: WebCrypto). Rejection
 * sampling keeps every character equally likely (256 is a multiple of neither 20 nor 10).
 */
export function generateUserCode(kind: UserCodeKind = 'letters'): string {
  const alphabet = kind === 'digits' ? '0123456789' : USER_CODE_ALPHABET;
  const length = kind === 'digits' ? DIGIT_USER_CODE_LENGTH : USER_CODE_LENGTH;
  let code = '';
  const limit = 256 - (256 % alphabet.length);
  while (code.length < length) {
    const bytes = randomBytes(16);
    for (const b of bytes) {
      if (b < limit && code.length < length) code += alphabet[b % alphabet.length];
    }
  }
  return code;
}
