/**
 * Headers every portal response carries (everything but the OAuth endpoints, which answer JSON
 * and set their own). Framework-free: the custom server applies them before Next.js or a form
 * handler writes anything.
 */
import { randomBytes } from 'node:crypto';

export interface SecurityHeaderOptions {
  /** Per-request, unguessable (128 bits); see `createNonce`. */
  nonce: string;
  /** The issuer is https: send HSTS (RFC 6797 forbids it over plain http anyway). */
  https: boolean;
  /** Next.js dev mode needs `eval` for its error overlay; never in production. */
  dev?: boolean;
  /** Extra `form-action` sources: an app's checked redirect URI on the sign-in and consent pages (see `form-targets.ts`). */
  formTargets?: readonly string[];
}

export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * A strict CSP (CSP Level 3): only scripts carrying this response's nonce run, and what they
 * load ('strict-dynamic'); no plugins; no <base> hijacking; no framing (clickjacking of the
 * Approve button); forms post only to this origin. Next.js reads the nonce from this same
 * header on the request and puts it on its own script tags.
 */
export function contentSecurityPolicy(nonce: string, dev = false, formTargets: readonly string[] = []): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    ["form-action 'self'", ...formTargets].join(' '),
  ].join('; ');
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': contentSecurityPolicy(options.nonce, options.dev, options.formTargets),
    // The code is in the QR link (`verification_uri_complete`): never leak it to another site.
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    // For browsers without CSP frame-ancestors.
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
  if (options.https) headers['Strict-Transport-Security'] = 'max-age=63072000; includeSubDomains';
  return headers;
}
