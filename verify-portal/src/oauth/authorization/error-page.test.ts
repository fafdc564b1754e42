import { describe, expect, it } from 'vitest';
import { STORE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../store/unavailable';
import { authorizationErrorPage, authorizationErrorText } from './error-page';

describe('the authorization error page', () => {
  it('while the database is away: 503 with Retry-After, a page that says to try again shortly', () => {
    const page = authorizationErrorPage('unavailable');
    expect(page.status).toBe(503);
    expect(page.headers).toMatchObject({ 'Retry-After': String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' });
    expect(page.headers['Content-Security-Policy']).toMatch(/^default-src 'none';/);
    expect(page.body).toBeUndefined();
    expect(page.html).toContain(`<title>${authorizationErrorText.unavailable.title}</title>`);
    expect(page.html).toContain('data-authorization-error="unavailable"');
    expect(page.html).toContain('try again in a few seconds');
  });

  it('a bug on our side stays 500 and an untrusted request 400, neither with Retry-After', () => {
    for (const [reason, status] of [['server-error', 500], ['unknown-client', 400]] as const) {
      const page = authorizationErrorPage(reason);
      expect(page.status).toBe(status);
      expect(page.headers['Retry-After']).toBeUndefined();
    }
  });
});
