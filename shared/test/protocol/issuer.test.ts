import { describe, expect, it } from 'vitest';
import { openIdConfigurationUrl } from '../../src/client/discovery';
import { checkIssuer } from '../../src/protocol/issuer';

describe('checkIssuer (RFC 8414 §2)', () => {
  it.each([
    ['https://login.example.com', 'https://login.example.com'],
    ['https://login.example.com/', 'https://login.example.com'],
    ['https://Login.Example.com:443/tenant/', 'https://login.example.com/tenant'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://127.0.0.1:4000/', 'http://127.0.0.1:4000'],
  ])('%s is an issuer, spelled %s', (value, issuer) => {
    expect(checkIssuer(value)).toMatchObject({ ok: true, issuer });
  });

  it.each([
    ['login.example.com', /absolute URL/],
    ['', /absolute URL/],
    ['ftp://login.example.com', /https/],
    ['javascript:alert(1)', /https/],
    ['https://login.example.com/?tenant=1', /query or fragment/],
    ['https://login.example.com/?', /query or fragment/],
    ['https://login.example.com/#', /query or fragment/],
    ['https://user:secret@login.example.com', /user name or password/],
  ])('%j is refused: %s', (value, problem) => {
    const check = checkIssuer(value);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problem).toMatch(problem);
  });
});

describe('discovery checks the issuer with it', () => {
  it('refuses an issuer with credentials in it, and does not repeat them', () => {
    expect(() => openIdConfigurationUrl('https://user:secret@login.example.com')).toThrow(/^The issuer must not contain a user name or password\.$/);
  });
});
