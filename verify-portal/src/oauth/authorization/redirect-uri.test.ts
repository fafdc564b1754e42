import { describe, expect, it } from 'vitest';
import { matchRedirectUri } from './redirect-uri';

describe('redirect URI matching', () => {
  const registered = ['http://127.0.0.1/callback', 'http://[::1]/cb', 'https://app.example.com/oauth/callback', 'com.example.app:/oauth'];

  it('matches registered URIs exactly', () => {
    expect(matchRedirectUri('https://app.example.com/oauth/callback', registered)).toBe(true);
    expect(matchRedirectUri('com.example.app:/oauth', registered)).toBe(true);
    expect(matchRedirectUri('https://app.example.com/oauth/callback/', registered)).toBe(false);
    expect(matchRedirectUri('https://app.example.com/oauth/callback?x=1', registered)).toBe(false);
    expect(matchRedirectUri('https://APP.example.com/oauth/callback', registered)).toBe(false);
    expect(matchRedirectUri('https://app.example.com:443/oauth/callback#f', registered)).toBe(false);
  });

  it('accepts any port for a registered loopback IP literal (RFC 8252 §7.3)', () => {
    expect(matchRedirectUri('http://127.0.0.1:53122/callback', registered)).toBe(true);
    expect(matchRedirectUri('http://127.0.0.1/callback', registered)).toBe(true);
    expect(matchRedirectUri('http://[::1]:8080/cb', registered)).toBe(true);
  });

  it('does not stretch the loopback rule to other paths, hosts, schemes or non-loopback URIs', () => {
    expect(matchRedirectUri('http://127.0.0.1:53122/other', registered)).toBe(false);
    expect(matchRedirectUri('http://127.0.0.1:53122/callback?x=1', registered)).toBe(false);
    expect(matchRedirectUri('http://localhost:53122/callback', registered)).toBe(false);
    expect(matchRedirectUri('http://[::1]:8080/callback', registered)).toBe(false);
    expect(matchRedirectUri('https://127.0.0.1:53122/callback', registered)).toBe(false);
    expect(matchRedirectUri('http://user@127.0.0.1:53122/callback', registered)).toBe(false);
    expect(matchRedirectUri('https://app.example.com:8443/oauth/callback', registered)).toBe(false);
    expect(matchRedirectUri('not a url', registered)).toBe(false);
  });
});
