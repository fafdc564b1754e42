import { USER_CODE_ALPHABET } from '@pairgate/shared';

/**
 * What a log line must never carry, in two layers (DESIGN.md: "no token ever in a URL or a log
 * line"):
 *
 * 1. By key: values under these names are replaced, whatever they look like (a password is just
 *    text). The logger hands them to pino's `redact` as paths (`redactPaths`), and `scrubText`
 *    also replaces them as `"key":"…"` and `key=…` wherever they appear in free text.
 * 2. By shape: values that look like our secrets are replaced wherever they appear — JWTs,
 *    256-bit base64url secrets, user codes, `Authorization` credentials. This layer runs on the
 *    finished log line (see logger.ts), so messages, error stacks, bindings and anything a future
 *    caller logs pass through it.
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
  const shaped = text.replace(SECRET_SHAPES, (...args: unknown[]) => {
    const kept = args.at(-1) as Kept;
    if (kept.scheme !== undefined) return `${kept.scheme}${REDACTED}`;
    if (kept.jsonKey !== undefined) return `${kept.jsonKey}${REDACTED}"`;
    if (kept.escapedKey !== undefined) return `${kept.escapedKey}${REDACTED}${kept.slashes ?? ''}"`;
    if (kept.paramKey !== undefined) return `${kept.paramKey}${REDACTED}`;
    if (kept.userinfo !== undefined) return `${kept.userinfo}${REDACTED}@`;
    return REDACTED;
  });
  return replaceLongRuns(shaped);
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
