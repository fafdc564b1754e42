import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createNonce, securityHeaders } from './security-headers';

describe('security headers', () => {
  it('makes a fresh 128-bit nonce per call', () => {
    const a = createNonce();
    expect(Buffer.from(a, 'base64')).toHaveLength(16);
    expect(createNonce()).not.toBe(a);
  });

  it('sends a strict nonce-based CSP that forbids framing', () => {
    const csp = contentSecurityPolicy('abc');
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).toContain("style-src 'self' 'nonce-abc'");
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(contentSecurityPolicy('abc', true)).toContain("'unsafe-eval'");
  });

  it('adds an authorization request’s redirect URI to form-action only when given one', () => {
    expect(contentSecurityPolicy('abc', false, ['http://127.0.0.1:50123'])).toMatch(/form-action 'self' http:\/\/127\.0\.0\.1:50123$/);
    expect(securityHeaders({ nonce: 'n', https: false })['Content-Security-Policy']).toMatch(/form-action 'self'$/);
  });

  it('sets the other headers, and HSTS only over https', () => {
    const http = securityHeaders({ nonce: 'n', https: false });
    expect(http).toMatchObject({
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    });
    expect(http['Strict-Transport-Security']).toBeUndefined();
    expect(securityHeaders({ nonce: 'n', https: true })['Strict-Transport-Security']).toMatch(/^max-age=\d+/);
  });
});
