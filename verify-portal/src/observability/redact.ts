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
const B64URL = 'A-Za-z0-9_-';
const codeChar = `[${USER_CODE_ALPHABET}]`;

/** Each rule replaces what it matched; rules run in order on the whole text. */
const rules: readonly { pattern: RegExp; replace: (match: string, ...groups: string[]) => string }[] = [
  // A JWS or JWE compact serialization: base64url of `{"…` is `eyJ…`, then 2 or 4 more parts.
  { pattern: new RegExp(`eyJ[${B64URL}]+(?:\\.[${B64URL}]*){2,4}`, 'g'), replace: () => REDACTED },
  // Authorization header credentials in free text (RFC 6750 §2.1, RFC 7617 §2, RFC 9449 §7.1).
  { pattern: /\b(Bearer|Basic|DPoP)(\s+)[A-Za-z0-9._~+/-]+=*/gi, replace: (_m, scheme = '', space = '') => `${scheme}${space}${REDACTED}` },
  // Our bearer secrets are 32 random bytes in base64url: 43 characters (device codes, refresh
  // tokens, authorization codes, session ids, client secrets). Longer runs (PKCE verifiers up to
  // 128, SHA-256 digests) go too; nothing we log on purpose is a 43+ character word.
  { pattern: new RegExp(`(?<![${B64URL}])[${B64URL}]{43,}(?![${B64URL}])`, 'g'), replace: () => REDACTED },
  // RFC 8628 §6.1 user codes as shown (XXXX-XXXX) or typed (any case, a space or no dash).
  { pattern: new RegExp(`(?<![A-Za-z0-9])${codeChar}{4}[- ]?${codeChar}{4}(?![A-Za-z0-9])`, 'gi'), replace: () => REDACTED },
  // `"password":"…"` at any depth of a JSON line…
  { pattern: new RegExp(`("(?:${keyAlternation})"\\s*:\\s*")(?:[^"\\\\]|\\\\.)*"`, 'gi'), replace: (_m, head = '') => `${head}${REDACTED}"` },
  // …and inside a logged string, however deeply escaped (`\"password\":\"…\"`, `\\\"password…`).
  {
    pattern: new RegExp(`((\\\\+)"(?:${keyAlternation})\\2"\\s*:\\s*\\2")(?:.*?)(?<!\\\\)\\2"`, 'gi'),
    replace: (_m, head = '', slashes = '') => `${head}${REDACTED}${slashes}"`,
  },
  // Query strings and form bodies: `password=…`, `code=…`, `refresh_token=…` up to the next separator.
  { pattern: new RegExp(`(?<![A-Za-z0-9_-])((?:${keyAlternation})=)[^&\\s"'\\\\#]*`, 'gi'), replace: (_m, head = '') => `${head}${REDACTED}` },
];

/** Replaces every secret-looking part of a text (see the rules above). Idempotent. */
export function scrubText(text: string): string {
  let out = text;
  for (const { pattern, replace } of rules) out = out.replace(pattern, replace);
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
