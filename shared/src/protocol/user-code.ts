/**
 * User codes (RFC 8628 §6.1): base-20 consonants, no vowels (no words) and no easily confused
 * characters. 8 characters give 20^8 ≈ 2.56e10 codes (≈ 34.5 bits); shown as XXXX-XXXX.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** Longer input cannot be a code even with generous separators; stops work on pasted junk early. */
const MAX_USER_CODE_INPUT = 64;

/**
 * Normalizes what a person typed: case-insensitive, and ignores whitespace, dashes (any Unicode
 * dash a phone keyboard may substitute) and other punctuation, plus invisible format characters
 * from copy-paste. Returns the 8-character canonical form, or `undefined` if it cannot be a code
 * (wrong length, vowels, digits, any other letter or symbol).
 */
export function normalizeUserCode(input: string): string | undefined {
  if (input.length > MAX_USER_CODE_INPUT) return undefined;
  // Upper-case ASCII only: String#toUpperCase maps some non-ASCII letters onto ASCII ones
  // ('ß' → 'SS', 'ſ' → 'S'), which would accept text nobody was shown.
  const compact = input
    .replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32))
    .replace(/[\s\p{P}\p{Cf}]/gu, '');
  if (compact.length !== USER_CODE_LENGTH) return undefined;
  for (const ch of compact) if (!USER_CODE_ALPHABET.includes(ch)) return undefined;
  return compact;
}

/** Formats a canonical code for display: `WDJBMJHT` → `WDJB-MJHT`. */
export function formatUserCode(code: string): string {
  const canonical = normalizeUserCode(code) ?? code;
  return `${canonical.slice(0, 4)}-${canonical.slice(4)}`;
}

/** Spells a code out for screen readers: `WDJB-MJHT` → `W D J B, M J H T`. */
export function spellUserCode(code: string): string {
  const canonical = normalizeUserCode(code) ?? code;
  return `${[...canonical.slice(0, 4)].join(' ')}, ${[...canonical.slice(4)].join(' ')}`;
}

/**
 * Generates a uniformly random user code with WebCrypto. Rejection sampling keeps every
 * character equally likely (256 is not a multiple of 20).
 */
export function generateUserCode(): string {
  let code = '';
  const limit = 256 - (256 % USER_CODE_ALPHABET.length);
  while (code.length < USER_CODE_LENGTH) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    for (const b of bytes) {
      if (b < limit && code.length < USER_CODE_LENGTH) code += USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length];
    }
  }
  return code;
}
