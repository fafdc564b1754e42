import { DIGIT_USER_CODE_LENGTH, USER_CODE_ALPHABET } from '@pairgate/shared';

/**
 * What a log line must never carry, in two layers (DESIGN.md: "no token ever in a URL or a log
 * line"):
 *
 * 1. By key: values under these names are replaced, whatever they look like (a password is just
 *    text). The logger hands them to pino's `redact` as paths (`redactPaths`), and `scrubText`
 *    also replaces them as `"key":"…"` and `key=…` wherever they appear in free text.
 * 2. By shape: values that look like our secrets are replaced wherever they appear — JWTs,
 *    256-bit base64url secrets, user codes (letters and digits), `Authorization` credentials.
 *    This layer runs on the finished log line (see logger.ts), so messages, error stacks,
 *    bindings and anything a future caller logs pass through it.
 */
export const REDACTED = '[REDACTED]';

/**
 * Names whose values are secrets. OAuth's own parameter names (RFC 6749 §4.1.2, §5.1; RFC 8628
 * §3.2; RFC 7636 §4.1; RFC 7523 §2.2), our records' camelCase fields, and the HTTP headers that
 * carry credentials (Node lower-cases incoming header names).
 */
export const SECRET_KEYS: readonly string[] = [
  'password',
  'passwordHash',
  'password_hash',
  'secret',
  'client_secret',
  'clientSecret',
  'token',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'idToken',
  'code',
  'device_code',
  'deviceCode',
  'user_code',
  'userCode',
  'code_verifier',
  'codeVerifier',
  'client_assertion',
  'clientAssertion',
  'assertion',
  'csrf',
  'csrfToken',
  'sessionId',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
];

/** Where a log object may carry request data: secret keys are redacted at its top and in these. */
const CONTAINERS = ['headers', 'req.headers', 'res.headers', 'params', 'query', 'form', 'body'];

/**
 * pino `redact` paths for `SECRET_KEYS` at the top of a log object and inside `CONTAINERS`.
 * Explicit paths, not wildcards: with `*.key` pino's redaction walks every object it is given and
 * an access line costs ~65 µs instead of ~2 µs (measured; a pending poll is answered in ~50 µs).
 * String values under a secret key anywhere else are caught by `scrubText`'s `"key":"…"` rule.
 */
export function redactPaths(): string[] {
  return SECRET_KEYS.flatMap((key) => {
    const step = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    return [step, ...CONTAINERS.map((container) => (step.startsWith('[') ? `${container}${step}` : `${container}.${step}`))];
  });
}

const keyAlternation = [...SECRET_KEYS].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
/** A secret key with anything before it is one too: `db_password`, `sslpassword`, `newPassword`. */
const anyPrefix = '[A-Za-z0-9_-]*';
const B64URL = 'A-Za-z0-9_-';
const codeChar = `[${USER_CODE_ALPHABET}]`;
/** A third of a digit user code (`DIGIT_USER_CODE_LENGTH` = 9 digits). */
const digitGroup = `[0-9]{${DIGIT_USER_CODE_LENGTH / 3}}`;

/**
 * The other shapes, as one pattern scanned once: where several could start at the same place,
 * the first listed wins. Named groups keep the part of a match that stays (the key, the scheme).
 */
const SECRET_SHAPES = new RegExp(
  [
    // A JWS or JWE compact serialization: base64url of `{"…` is `eyJ…`, then 2 or 4 more parts.
    `eyJ[${B64URL}]+(?:\\.[${B64URL}]*){2,4}`,
    // Authorization header credentials in free text (RFC 6750 §2.1, RFC 7617 §2, RFC 9449 §7.1).
    `(?<scheme>\\b(?:Bearer|Basic|DPoP)\\s+)[A-Za-z0-9._~+/-]+=*`,
    // RFC 8628 §6.1 user codes as shown (XXXX-XXXX) or typed (any case, a space or no dash).
    `(?<![A-Za-z0-9])${codeChar}{4}[- ]?${codeChar}{4}(?![A-Za-z0-9])`,
    // Digit user codes (`--user-code digits`) as shown (XXX-XXX-XXX) or typed (spaces or no
    // dashes). Any other 9-digit number goes too: over-scrubbing one in a log line costs an
    // operator a number, leaving a live code in one hands a guesser the answer. Not nine digits
    // inside a word, though, as the letter codes: every request id (a UUID) with nine digits in
    // a row in its hex — 2 % of them — lost its end, and the id no longer found its request.
    `(?<![A-Za-z0-9])${digitGroup}[- ]?${digitGroup}[- ]?${digitGroup}(?![A-Za-z0-9])`,
    // `"password":"…"` at any depth of a JSON line…
    `(?<jsonKey>"${anyPrefix}(?:${keyAlternation})"\\s*:\\s*")(?:[^"\\\\]|\\\\.)*"`,
    // …and inside a logged string, however deeply escaped (`\"password\":\"…\"`, `\\\"password…`).
    `(?<escapedKey>(?<slashes>\\\\+)"${anyPrefix}(?:${keyAlternation})\\k<slashes>"\\s*:\\s*\\k<slashes>")(?:.*?)(?<!\\\\)\\k<slashes>"`,
    // The password in a URL's userinfo (RFC 3986 §3.2.1), e.g. a `postgres://app:…@db/pairgate` DATABASE_URL.
    `(?<userinfo>\\b[a-z][a-z0-9+.-]*://[^/\\s:@"]*:)[^/\\s@"]*@`,
    // Query strings and form bodies: `password=…`, `code=…`, `refresh_token=…` up to the next separator.
    `(?<paramKey>(?<![A-Za-z0-9_-])${anyPrefix}(?:${keyAlternation})=)[^&\\s"'\\\\#]*`,
  ].join('|'),
  // Case-insensitive: typed user codes, `Authorization: bearer`, `PASSWORD=`; an `EYJ…` caught too costs nothing.
  'gi',
);

interface Kept {
  scheme?: string;
  userinfo?: string;
  jsonKey?: string;
  escapedKey?: string;
  slashes?: string;
  paramKey?: string;
}

/** Replaces every secret-looking part of a text (see `SECRET_SHAPES` and `replaceLongRuns`). Idempotent. */
export function scrubText(text: string): string {
  // Whole JWTs first (their parts are long runs too, but the header would be left behind).
  return replaceLongRuns(mayHoldShape(text) ? scrubShapes(text) : text);
}

/** The `SECRET_SHAPES` pass of `scrubText`. */
export function scrubShapes(text: string): string {
  return text.replace(SECRET_SHAPES, (...args: unknown[]) => {
    const kept = args.at(-1) as Kept;
    if (kept.scheme !== undefined) return `${kept.scheme}${REDACTED}`;
    if (kept.jsonKey !== undefined) return `${kept.jsonKey}${REDACTED}"`;
    if (kept.escapedKey !== undefined) return `${kept.escapedKey}${REDACTED}${kept.slashes ?? ''}"`;
    if (kept.paramKey !== undefined) return `${kept.paramKey}${REDACTED}`;
    if (kept.userinfo !== undefined) return `${kept.userinfo}${REDACTED}@`;
    return REDACTED;
  });
}

const CODE_LETTER = new Set([...USER_CODE_ALPHABET, ...USER_CODE_ALPHABET.toLowerCase()].map((c) => c.charCodeAt(0)));

/**
 * False only for a text no `SECRET_SHAPES` pattern can match, found in one pass over its
 * characters (the pattern itself tries every alternative at every position, a few µs for a
 * short value): each needs one of `=` (parameters), `:` (JSON keys, URL userinfo), `\` (escaped
 * keys), whitespace (`Bearer …`), `eyJ` (JWTs), four user-code letters in a row, in any case,
 * or the nine digits of a digit user code (dashes between them allowed).
 * A character beyond ASCII says true, so Unicode spaces and case rules need no thought here.
 * Most short values (a path, an address, an id) have none, and skip the pattern.
 */
export function mayHoldShape(text: string): boolean {
  let letters = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 61 || c === 58 || c === 92) return true;
    if ((c | 32) === 101 && ((text.charCodeAt(i + 1) | 32) === 121) && ((text.charCodeAt(i + 2) | 32) === 106)) return true; // eyJ
    letters = CODE_LETTER.has(c) ? letters + 1 : 0;
    if (letters >= 4) return true;
    if (c >= 48 && c <= 57) digits += 1;
    else if (c !== 45) digits = 0; // a dash keeps the count: 123-456-789
    if (digits >= DIGIT_USER_CODE_LENGTH) return true;
  }
  return false;
}

/**
 * Our bearer secrets are 32 random bytes in base64url: 43 characters (device codes, refresh
 * tokens, authorization codes, session ids, client secrets). Longer runs (PKCE verifiers up to
 * 128, SHA-256 digests) go too; nothing we log on purpose is a 43+ character word. A loop that
 * reads each character once, where a regular expression would look behind at every position.
 */
const MIN_SECRET_RUN = 43;

function replaceLongRuns(text: string): string {
  let out = '';
  let copied = 0;
  let runStart = -1;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && isBase64url(text.charCodeAt(i))) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0 && i - runStart >= MIN_SECRET_RUN) {
      out += text.slice(copied, runStart) + REDACTED;
      copied = i;
    }
    runStart = -1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function isBase64url(c: number): boolean {
  // 0-9, A-Z, a-z, '-', '_'
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
