import { describe, expect, it } from 'vitest';
import { DEFAULT_AFTER_LOGIN, safeNextPath } from './safe-next';

describe('safeNextPath', () => {
  it('keeps paths on this site, with their query', () => {
    expect(safeNextPath('/activate')).toBe('/activate');
    expect(safeNextPath('/activate?user_code=BCDF-GHJK')).toBe('/activate?user_code=BCDF-GHJK');
    expect(safeNextPath('/account/devices')).toBe('/account/devices');
  });

  it.each([
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
  ])('rejects %j', (raw) => {
    expect(safeNextPath(raw)).toBe(DEFAULT_AFTER_LOGIN);
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
