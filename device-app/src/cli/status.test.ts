/**
 * `pairgate status`: what the token file says, and what the server says of it — live, renewed,
 * or ended by the server (signed out from the phone) — never printing a token.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ISSUER, createFakeServer, type FakeServer } from '../../test/support/fake-authorization-server';
import type { CliIo } from './io';
import { run } from './main';

class Capture {
  text = '';
  readonly isTTY = false;
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

describe('pairgate status', () => {
  let server: FakeServer;
  let dir: string;
  let stderr: Capture;
  let clock: number;

  beforeEach(async () => {
    server = await createFakeServer({ interval: 5 });
    dir = mkdtempSync(path.join(tmpdir(), 'pairgate-status-'));
    clock = Date.now();
  });

  /** A fresh capture each run; the person approves the login's code at its first poll. */
  function io(): CliIo {
    stderr = new Capture();
    const fetch = async (url: string, init: RequestInit) => {
      if (new URL(url).pathname === '/token' && String(init.body).includes('device_code')) server.approveLatest();
      return server.fetch(url, init);
    };
    const sleep = async (ms: number) => {
      clock += ms;
    };
    return { env: { PAIRGATE_ISSUER: ISSUER, PAIRGATE_CONFIG_DIR: dir }, stdout: new Capture(), stderr, signal: new AbortController().signal, fetch, now: () => clock, sleep };
  }

  const saved = () => JSON.parse(readFileSync(path.join(dir, 'tokens.json'), 'utf8')) as Record<string, string>;

  it('says who, with which server and client, until when, that the server confirms it — and prints no token', async () => {
    expect(await run(['status'], io())).toBe(1);
    expect(stderr.text).toContain('Not signed in. Run `pairgate login` to sign in.');
    expect(await run(['login', '--device'], io())).toBe(0);
    expect(await run(['status'], io())).toBe(0);
    expect(stderr.text).toContain(`Signed in to ${ISSUER} as Ada Lovelace (user-1), with client tv-kiosk.`);
    expect(stderr.text).toContain(`Access token: expires ${saved().expires_at} (in 10 minutes).`);
    expect(stderr.text).toContain('Refresh token: kept');
    expect(stderr.text).toContain('The server confirms the sign-in is live.');
    expect(stderr.text).toContain(`in ${path.join(dir, 'tokens.json')}`);
    // Asked with the access token (userinfo), which changes nothing.
    expect(server.count('/userinfo')).toBe(1);
    expect(server.count('/token', 'refresh_token')).toBe(0);
    for (const secret of server.issued) expect(stderr.text).not.toContain(secret);
  });

  it('an expired access token is renewed with the refresh token, and the rotated tokens are saved', async () => {
    expect(await run(['login', '--device'], io())).toBe(0);
    const before = saved();
    clock += 3 * 3600_000;
    expect(await run(['status'], io())).toBe(0);
    expect(stderr.text).toMatch(/Access token: renewed, expires \S+ \(in 10 minutes\)\./);
    expect(stderr.text).toContain('The server confirms the sign-in is live.');
    const after = saved();
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(server.refreshTokens.has(after.refresh_token as string)).toBe(true);
    expect(after).toMatchObject({ sub: 'user-1', name: 'Ada Lovelace' });
    for (const secret of server.issued) expect(stderr.text).not.toContain(secret);
  });

  it('says when the server has ended the sign-in (signed out from the phone): exit 1, whether the access token is current or not', async () => {
    expect(await run(['login', '--device'], io())).toBe(0);
    server.revokeAll();
    expect(await run(['status'], io())).toBe(1);
    expect(stderr.text).toContain('The server has ended this sign-in');
    expect(stderr.text).toContain('Run `pairgate login` to sign in again.');
    clock += 3 * 3600_000; // the refresh token is refused too (invalid_grant)
    expect(await run(['status'], io())).toBe(1);
    expect(stderr.text).toContain('The server has ended this sign-in');
    expect(server.count('/token', 'refresh_token')).toBe(1);
  });

  it('with the server away, the file decides, and it says it could not check', async () => {
    expect(await run(['login', '--device'], io())).toBe(0);
    server.setOffline(true);
    expect(await run(['status'], io())).toBe(0);
    expect(stderr.text).toContain(`Could not check with ${ISSUER} (TypeError).`);
    expect(stderr.text).toContain('Access token: expires');
  });
});
