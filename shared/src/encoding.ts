/**
 * Byte/text encodings without Node's `Buffer`, so the same code runs in Node, Electron, browsers
 * and TV web runtimes. Randomness and hashing come from WebCrypto only.
 */

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/** RFC 4648 §5 base64url without padding (as RFC 7636 and JOSE use it). */
export function base64urlEncode(input: Uint8Array | string): string {
  return encode(typeof input === 'string' ? utf8Encode(input) : input, BASE64URL_ALPHABET, false);
}

/** RFC 4648 §4 base64 with padding (HTTP Basic credentials, RFC 7617). */
export function base64Encode(input: Uint8Array | string): string {
  return encode(typeof input === 'string' ? utf8Encode(input) : input, BASE64_ALPHABET, true);
}

/**
 * Decodes unpadded base64url. Returns `undefined` for anything that is not canonical base64url,
 * so callers can treat malformed input as a protocol error rather than an exception.
 */
export function base64urlDecode(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const ch of text) {
    value = (value << 6) | BASE64URL_ALPHABET.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  // Non-zero leftover bits mean a non-canonical encoding (two strings for the same bytes).
  if ((value & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

export function utf8Encode(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

const RANDOM_POOL_BYTES = 4096;
let randomPool = new Uint8Array(0);
let randomPoolUsed = 0;

/**
 * `count` bytes from WebCrypto's CSPRNG, handed out from a pool filled 4 KiB at a time. A server
 * makes two random values per device authorization (the device code and the user code's draw),
 * and each `getRandomValues` call cost 3–5 µs of its own, 0.2 µs from the pool — as Node pools
 * `randomUUID`. Every byte is handed out once; the pool's copy is zeroed as it goes.
 */
export function randomBytes(count: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(count) || count < 1 || count > 65536) {
    throw new RangeError('randomBytes: count must be an integer between 1 and 65536');
  }
  if (count > RANDOM_POOL_BYTES) return crypto.getRandomValues(new Uint8Array(count));
  if (randomPoolUsed + count > randomPool.length) {
    randomPool = crypto.getRandomValues(new Uint8Array(RANDOM_POOL_BYTES));
    randomPoolUsed = 0;
  }
  const bytes = randomPool.slice(randomPoolUsed, randomPoolUsed + count);
  randomPool.fill(0, randomPoolUsed, randomPoolUsed + count);
  randomPoolUsed += count;
  return bytes;
}

/** `bytes` random bytes (`randomBytes`), base64url-encoded: 32 bytes → 43 characters, 256 bits. */
export function generateRandomToken(bytes = 32): string {
  return base64urlEncode(randomBytes(bytes)); // randomBytes checks the count (1–65536)
}

/** base64url(SHA-256(UTF-8(text))): the PKCE S256 transform, also used to hash secrets at rest. */
export async function sha256Base64url(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8Encode(text));
  return base64urlEncode(new Uint8Array(digest));
}
