import { describe, expect, it } from 'vitest';
import { DEFAULT_AFTER_LOGIN, safeNextPath } from './safe-next';

/** Issuers a deployment might have: the answer must stay on each one's origin. */
const ISSUERS = ['https://id.example.com', 'http://localhost:3000', 'https://login.example.org:8443', 'http://[::1]:3000'];

/** What a browser does with a Location header holding `result`, sent from a page on `issuer`. */
const landsOn = (result: string, issuer: string): string => new URL(result, `${issuer}/login?next=x`).origin;

/**
 * The open-redirect family: protocol-relative targets, backslashes, and dot segments (plain,
 * percent-encoded in either case, mixed, doubled) that collapse into `//host` once resolved.
 */
const HOSTILE = [
  '//evil.example',
  '//evil.example/activate',
  '/\\evil.example',
  '\\\\evil.example',
  '/%2Fevil.example',
  '%2F%2Fevil.example',
  '/%5Cevil.example',
  'https://evil.example/',
  'http:evil.example',
  'javascript:alert(1)',
  'evil.example',
  '/\t/evil.example',
  '/%09/evil.example',
  '/%0a/evil.example',
  '%E0%A4%A',
  '',
  '/..//evil.example/phish',
  '/../..//evil.example/phish',
  '/./../..//evil.example/phish',
  '/./..//evil.example',
  '/%2e%2e//evil.example/phish',
  '/%2E%2E//evil.example/phish',
  '/.%2e//evil.example/phish',
  '/%2e.//evil.example/phish',
  '/.%2e/..//evil.example',
  '/%2e%2e/%2e%2e//evil.example',
  '/./%2e%2e//evil.example',
  '/activate/../..//evil.example',
  '/activate/%2e%2e/%2e%2e//evil.example/phish',
  '/..%2F%2Fevil.example',
  '/%2e%2e%2F%2Fevil.example',
  '/..//evil.example/phish?next=/activate',
  '/..///evil.example',
  '/../\\evil.example',
  '/%2e%2e/%5Cevil.example',
];

describe('safeNextPath', () => {
  it('keeps paths on this site, with their query', () => {
    expect(safeNextPath('/activate')).toBe('/activate');
    expect(safeNextPath('/activate?user_code=BCDF-GHJK')).toBe('/activate?user_code=BCDF-GHJK');
    expect(safeNextPath('/account/devices')).toBe('/account/devices');
    // Dot segments that stay on the site are resolved, not refused.
    expect(safeNextPath('/account/../activate')).toBe('/activate');
    expect(safeNextPath('/./activate')).toBe('/activate');
  });

  it.each(HOSTILE)('refuses %j', (raw) => {
    expect(safeNextPath(raw)).toBe(DEFAULT_AFTER_LOGIN);
  });

  it('every answer, for hostile and ordinary input alike, lands on the issuer in a browser', () => {
    const ordinary = ['/activate', '/account/devices', '/oauth/authorize?client_id=a&state=%2F%2Fx', '/a/../b', '/.', '/..', '/%2e%2e'];
    for (const raw of [...HOSTILE, ...ordinary]) {
      const result = safeNextPath(raw);
      expect(result, raw).toMatch(/^\/(?![/\\])/);
      for (const issuer of ISSUERS) expect(landsOn(result, issuer), `${raw} on ${issuer}`).toBe(new URL(issuer).origin);
    }
  });

  it('falls back for missing values and overlong input', () => {
    expect(safeNextPath(null)).toBe(DEFAULT_AFTER_LOGIN);
    expect(safeNextPath(undefined, '/x')).toBe('/x');
    expect(safeNextPath(`/${'a'.repeat(4100)}`)).toBe(DEFAULT_AFTER_LOGIN);
    // An authorization request comes back whole.
    const authorize = `/oauth/authorize?${new URLSearchParams({ client_id: 'desktop-app', redirect_uri: 'http://127.0.0.1:51000/callback', state: 'x'.repeat(600) })}`;
    expect(safeNextPath(authorize)).toBe(authorize);
  });
});
