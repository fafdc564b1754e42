/**
 * Desktop sign-in end to end (issue 6, server side): Authorization Code + PKCE over real HTTP
 * against the portal process. A standard client library (oauth4webapi) plays the desktop app —
 * PKCE S256, state, nonce, `iss` (RFC 9207) — with a real loopback listener on 127.0.0.1, port 0
 * (RFC 8252 §7.3); Chromium plays the system browser (sign-in, consent). The negative cases run
 * over plain HTTP with a session cookie from the sign-in form, no browser needed.
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GrantType } from '@pairgate/shared';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { devices, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo } from '../../src/admin/demo';
import { openStore } from '../../src/store';
import type { ClientRegistration, Store } from '../../src/store/store';
import { chromiumAvailable, launchChromium } from '../support/browser';
import { axeViolations, DEMO_EMAIL, DEMO_PASSWORD, signIn } from '../support/phone';
import { startPortal, type RunningPortal } from '../support/portal';
import { testDatabaseUrl } from '../support/resources';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');
const run = chromiumAvailable('authorization code end to end');
const insecure = { [oauth.allowInsecureRequests]: true } as const;
const SCOPE = 'openid profile email offline_access';
/** A third-party app, registered by the test: it gets the consent screen. */
const PHOTOS = { client_id: 'photo-printer', name: 'Photo Printer' } as const;
/** A confidential-looking web app on a fixed https redirect URI (exact matching, no port leeway). */
const WEB = { client_id: 'web-shop', redirect: 'https://shop.example/cb' } as const;

/** One loopback redirect listener (RFC 8252 §7.3): 127.0.0.1, port 0, resolves with the first /callback. */
async function loopback(): Promise<{ redirectUri: string; callback: Promise<URL>; close(): void }> {
  const server = http.createServer();
  let resolve!: (url: URL) => void;
  const callback = new Promise<URL>((r) => (resolve = r));
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><title>Signed in</title><p>You can close this tab.</p>');
    resolve(url);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { redirectUri: `http://127.0.0.1:${port}/callback`, callback, close: () => server.close() };
}

const postgresUrl = run ? testDatabaseUrl('authorization code end to end') : undefined;

describe.each([
  { database: 'sqlite', postgresUrl: undefined },
  { database: 'postgres', postgresUrl },
])('authorization code + PKCE end to end (Chromium, loopback redirect, $database)', ({ database, postgresUrl }) => {
  const skip = !run || (database === 'postgres' && !postgresUrl);
  let portal: RunningPortal;
  let browser: Browser;
  let store: Store;
  let as: oauth.AuthorizationServer;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  let demoUserId: string;
  const secrets: string[] = [];
  const cspViolations: string[] = [];
  const desktop: oauth.Client = { client_id: demo.desktopClientId };
  const photos: oauth.Client = { client_id: PHOTOS.client_id };
  const none = oauth.None();

  beforeAll(async () => {
    if (skip) return;
    mkdirSync(artifacts, { recursive: true });
    [portal, browser] = await Promise.all([startPortal(postgresUrl ? { postgresUrl } : {}), launchChromium()]);
    store = openStore(portal.env.DATABASE_URL, `${portal.env.PAIRGATE_DATA_DIR}/pairgate.db`);
    const base: Omit<ClientRegistration, 'clientId' | 'name' | 'redirectUris'> = {
      type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null, grantTypes: [GrantType.AuthorizationCode, GrantType.RefreshToken],
      scopes: SCOPE.split(' '), firstParty: false, createdAt: Date.now(),
    };
    await store.upsertClient({ ...base, clientId: PHOTOS.client_id, name: PHOTOS.name, redirectUris: ['http://127.0.0.1/callback'] });
    await store.upsertClient({ ...base, clientId: WEB.client_id, name: 'Web Shop', redirectUris: [WEB.redirect], firstParty: true });
    demoUserId = (await store.findUserByEmail(DEMO_EMAIL))!.id;
    const issuer = new URL(portal.issuer);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
    jwks = createRemoteJWKSet(new URL(as.jwks_uri!));
  });

  afterAll(async () => {
    if (skip) return;
    await browser?.close();
    await store?.close();
    // No code, token or password ever reached the server's log.
    const log = portal?.output() ?? '';
    for (const secret of [DEMO_PASSWORD, ...secrets]) expect(log).not.toContain(secret);
    await portal?.stop();
    expect(cspViolations).toEqual([]);
  });

  /** What the desktop app makes before opening the browser (RFC 7636 §4.1–4.2, OIDC nonce). */
  async function start(client: oauth.Client, redirectUri: string, extra: Record<string, string> = {}) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: SCOPE,
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...extra,
    }).toString();
    return { url, verifier, state, nonce, redirectUri };
  }

  /** The app's side after the redirect: state + iss checks, code exchange, ID token with nonce. */
  async function finish(client: oauth.Client, flow: Awaited<ReturnType<typeof start>>, callback: URL) {
    const params = oauth.validateAuthResponse(as, client, callback, flow.state);
    secrets.push(params.get('code')!);
    const response = await oauth.authorizationCodeGrantRequest(as, client, none, params, flow.redirectUri, flow.verifier, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: flow.nonce, requireIdToken: true });
    secrets.push(tokens.access_token, tokens.refresh_token!, tokens.id_token!);
    // Signature too, against the published JWKS (oauth4webapi trusts TLS for that).
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: portal.issuer, audience: client.client_id });
    expect(payload).toMatchObject({ sub: demoUserId, nonce: flow.nonce, email: DEMO_EMAIL });
    expect(payload.auth_time).toBeTypeOf('number');
    expect(payload.at_hash).toBeTypeOf('string');
    return { params, tokens };
  }

  async function browserContext(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ ...devices['Desktop Chrome'] });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) cspViolations.push(message.text());
    });
    return { context, page };
  }

  // --- Over HTTP, with a session cookie from the sign-in form ----------------------------------

  async function sessionCookie(): Promise<string> {
    const page = await fetch(`${portal.issuer}/login`);
    const pre = page.headers.getSetCookie().find((c) => c.startsWith('pairgate-pre='))!.split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const form = new URLSearchParams({ csrf, email: DEMO_EMAIL, password: DEMO_PASSWORD, next: '/account/devices' });
    const r = await fetch(`${portal.issuer}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre }, body: form });
    expect(r.status).toBe(303);
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('pairgate-session='))!.split(';')[0]!;
    secrets.push(cookie.split('=')[1]!);
    return cookie;
  }

  /** GET the authorization URL as a browser would, without following the redirect. */
  async function authorizeOverHttp(url: URL, cookie?: string) {
    const r = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    const location = r.headers.get('location');
    return { status: r.status, location: location ? new URL(location, portal.issuer) : undefined, text: await r.text() };
  }

  it.skipIf(skip)('discovery advertises the code flow: S256 only, iss, query responses', () => {
    expect(as.authorization_endpoint).toBe(`${portal.issuer}/oauth/authorize`);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.response_types_supported).toContain('code');
    expect(as.response_modes_supported).toEqual(['query', 'form_post']);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.grant_types_supported).toContain('authorization_code');
  });

  it.skipIf(skip)('first-party desktop app: browser sign-in (login_hint prefilled) → loopback redirect → tokens; refresh rotates', async () => {
    const listener = await loopback();
    const { context, page } = await browserContext();
    try {
      const flow = await start(desktop, listener.redirectUri, { login_hint: DEMO_EMAIL });
      await page.goto(flow.url.href);
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(await page.locator('input[name=email]').inputValue()).toBe(DEMO_EMAIL);
      await page.locator('input[name=password]').fill(DEMO_PASSWORD);
      await page.locator('form[data-form=login] button[type=submit]').click();
      const callback = await listener.callback;
      await page.waitForURL((u) => u.port === String(callback.port));
      expect(await page.textContent('body')).toContain('You can close this tab.');
      expect(callback.searchParams.get('iss')).toBe(portal.issuer);

      const { tokens } = await finish(desktop, flow, callback);
      expect(tokens.scope).toBe(SCOPE);
      const info = await oauth.processUserInfoResponse(as, desktop, demoUserId, await oauth.userInfoRequest(as, desktop, tokens.access_token, insecure));
      expect(info.email).toBe(DEMO_EMAIL);
      const refreshed = await oauth.processRefreshTokenResponse(as, desktop, await oauth.refreshTokenGrantRequest(as, desktop, none, tokens.refresh_token!, insecure));
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      secrets.push(refreshed.access_token, refreshed.refresh_token!);

      // Signed in already: the next sign-in goes straight back to the app (no pages at all).
      const again = await start(desktop, listener.redirectUri);
      const r = await authorizeOverHttp(again.url, (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; '));
      expect(r.location?.origin).toBe(new URL(listener.redirectUri).origin);
      expect(r.location?.searchParams.get('code')).toBeTruthy();
    } finally {
      await context.close();
      listener.close();
    }
  });

  it.skipIf(skip)('third-party app: consent screen (axe, screenshot), Allow → tokens; remembered; Withdraw on "Devices and apps" asks again; Cancel → access_denied', async () => {
    const { context, page } = await browserContext();
    const listeners: Awaited<ReturnType<typeof loopback>>[] = [];
    const listen = async () => {
      const l = await loopback();
      listeners.push(l);
      return l;
    };
    try {
      let listener = await listen();
      let flow = await start(photos, listener.redirectUri);
      await page.goto(flow.url.href);
      await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
      await page.waitForURL((u) => u.pathname === '/consent');
      expect(await page.locator('h1').textContent()).toBe(`${PHOTOS.name} wants to use your Pairgate account`);
      expect(await page.locator('.scopes li').allTextContents()).toEqual([
        'Know which account you signed in with',
        'See your name',
        'See your email address',
        'Stay signed in until you sign it out',
      ]);
      expect(await page.textContent('main')).toContain('an app on this computer');
      expect(await axeViolations(page), 'axe on /consent').toEqual([]);
      await page.screenshot({ path: path.join(artifacts, 'consent-desktop.png'), fullPage: true });
      // Nothing about the request rides in the page URL but the opaque request id.
      expect([...new URL(page.url()).searchParams.keys()]).toEqual(['request']);
      await page.locator('button[name=decision][value=allow]').click();
      const { tokens } = await finish(photos, flow, await listener.callback);
      expect(tokens.refresh_token).toBeTypeOf('string');

      // Remembered: no consent screen the second time.
      listener = await listen();
      flow = await start(photos, listener.redirectUri);
      await page.goto(flow.url.href);
      await finish(photos, flow, await listener.callback);

      // "Devices and apps" lists the app with Withdraw.
      await page.goto(`${portal.issuer}/account/devices`);
      expect(await page.locator('h1').textContent()).toBe('Devices and apps');
      const card = page.locator(`[data-consent="${PHOTOS.client_id}"]`);
      expect(await card.locator('h3').textContent()).toBe(PHOTOS.name);
      expect(await axeViolations(page), 'axe on /account/devices').toEqual([]);
      await page.screenshot({ path: path.join(artifacts, 'account-devices-and-apps-desktop.png'), fullPage: true });
      await card.locator('button[type=submit]').click();
      await page.waitForURL((u) => u.pathname === '/account/devices');
      expect(await page.locator('.notice').textContent()).toMatch(/Permission withdrawn/);
      expect(await page.locator(`[data-consent="${PHOTOS.client_id}"]`).count()).toBe(0);
      // Withdrawing signed the app out: its refresh token is dead.
      await expect(oauth.processRefreshTokenResponse(as, photos, await oauth.refreshTokenGrantRequest(as, photos, none, tokens.refresh_token!, insecure))).rejects.toMatchObject({ error: 'invalid_grant' });

      // Withdrawn consent asks again; this time Cancel → access_denied, with state and iss.
      listener = await listen();
      flow = await start(photos, listener.redirectUri);
      await page.goto(flow.url.href);
      await page.waitForURL((u) => u.pathname === '/consent');
      await page.locator('button[name=decision][value=deny]').click();
      const denied = await listener.callback;
      expect(Object.fromEntries(denied.searchParams)).toMatchObject({ error: 'access_denied', state: flow.state, iss: portal.issuer });
      expect(() => oauth.validateAuthResponse(as, photos, denied, flow.state)).toThrow(oauth.AuthorizationResponseError);
    } finally {
      await context.close();
      for (const l of listeners) l.close();
    }
  });

  describe.skipIf(skip)('refused (HTTP level)', () => {
    let cookie: string;
    beforeAll(async () => {
      cookie = await sessionCookie();
    });

    async function errorOf(url: URL, withSession = true) {
      const r = await authorizeOverHttp(url, withSession ? cookie : undefined);
      expect(r.status).toBe(303);
      return r.location!;
    }

    it('no PKCE, and plain PKCE, are invalid_request redirects (public client)', async () => {
      const flow = await start(desktop, 'http://127.0.0.1:40001/callback');
      const noPkce = new URL(flow.url);
      noPkce.searchParams.delete('code_challenge');
      noPkce.searchParams.delete('code_challenge_method');
      const a = await errorOf(noPkce);
      expect(Object.fromEntries(a.searchParams)).toMatchObject({ error: 'invalid_request', state: flow.state, iss: portal.issuer });
      const plain = new URL(flow.url);
      plain.searchParams.set('code_challenge', flow.verifier);
      plain.searchParams.set('code_challenge_method', 'plain');
      expect((await errorOf(plain)).searchParams.get('error')).toBe('invalid_request');
    });

    async function codeFlow(client: oauth.Client = desktop, redirectUri = 'http://127.0.0.1:40002/callback') {
      const flow = await start(client, redirectUri);
      const callback = await errorOf(flow.url);
      const params = oauth.validateAuthResponse(as, client, callback, flow.state);
      secrets.push(params.get('code')!);
      return { flow, callback, params };
    }

    it('wrong verifier and wrong redirect URI at the token endpoint → invalid_grant', async () => {
      const { flow, params } = await codeFlow();
      const wrongVerifier = await oauth.authorizationCodeGrantRequest(as, desktop, none, params, flow.redirectUri, oauth.generateRandomCodeVerifier(), insecure);
      await expect(oauth.processAuthorizationCodeResponse(as, desktop, wrongVerifier)).rejects.toMatchObject({ error: 'invalid_grant' });
      const wrongRedirect = await oauth.authorizationCodeGrantRequest(as, desktop, none, params, 'http://127.0.0.1:40003/callback', flow.verifier, insecure);
      await expect(oauth.processAuthorizationCodeResponse(as, desktop, wrongRedirect)).rejects.toMatchObject({ error: 'invalid_grant' });
      // Neither attempt used the code up.
      const ok = await oauth.authorizationCodeGrantRequest(as, desktop, none, params, flow.redirectUri, flow.verifier, insecure);
      const tokens = await oauth.processAuthorizationCodeResponse(as, desktop, ok, { expectedNonce: flow.nonce });
      secrets.push(tokens.access_token, tokens.refresh_token!);
    });

    it('an unregistered redirect URI, an unregistered port on a non-loopback URI, an unknown client → error page, no redirect', async () => {
      const bad = [
        (await start(desktop, 'http://127.0.0.1:40004/elsewhere')).url,
        (await start({ client_id: WEB.client_id }, 'https://shop.example:8443/cb')).url,
        (await start({ client_id: 'no-such-app' }, 'http://127.0.0.1:40005/callback')).url,
      ];
      for (const url of bad) {
        const r = await authorizeOverHttp(url, cookie);
        expect(r.status).toBe(400);
        expect(r.location).toBeUndefined();
        expect(r.text).toContain('This sign-in link does not work');
      }
      // The exact registered one works (a code, no port leeway needed).
      expect((await errorOf((await start({ client_id: WEB.client_id }, WEB.redirect)).url)).searchParams.get('code')).toBeTruthy();
    });

    it('a reused code fails, and the tokens it gave are revoked (refresh fails, userinfo 401)', async () => {
      const { flow, params } = await codeFlow();
      const first = await oauth.processAuthorizationCodeResponse(as, desktop, await oauth.authorizationCodeGrantRequest(as, desktop, none, params, flow.redirectUri, flow.verifier, insecure), { expectedNonce: flow.nonce });
      secrets.push(first.access_token, first.refresh_token!);
      const second = await oauth.authorizationCodeGrantRequest(as, desktop, none, params, flow.redirectUri, flow.verifier, insecure);
      await expect(oauth.processAuthorizationCodeResponse(as, desktop, second)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(oauth.processRefreshTokenResponse(as, desktop, await oauth.refreshTokenGrantRequest(as, desktop, none, first.refresh_token!, insecure))).rejects.toMatchObject({ error: 'invalid_grant' });
      expect((await oauth.userInfoRequest(as, desktop, first.access_token, insecure)).status).toBe(401);
    });

    it('the client rejects a state mismatch and a response without iss (RFC 9207)', async () => {
      const { callback } = await codeFlow();
      expect(() => oauth.validateAuthResponse(as, desktop, callback, oauth.generateRandomState())).toThrow(/state/);
      const noIss = new URL(callback);
      noIss.searchParams.delete('iss');
      expect(() => oauth.validateAuthResponse(as, desktop, noIss, callback.searchParams.get('state')!)).toThrow(/iss/);
      const otherIss = new URL(callback);
      otherIss.searchParams.set('iss', 'https://evil.example');
      expect(() => oauth.validateAuthResponse(as, desktop, otherIss, callback.searchParams.get('state')!)).toThrow(/iss/);
    });

    it('prompt=none: without a session → login_required; when consent is needed → consent_required', async () => {
      const signedOut = await start(desktop, 'http://127.0.0.1:40006/callback', { prompt: 'none' });
      const a = await errorOf(signedOut.url, false);
      expect(Object.fromEntries(a.searchParams)).toMatchObject({ error: 'login_required', state: signedOut.state, iss: portal.issuer });
      expect(() => oauth.validateAuthResponse(as, desktop, a, signedOut.state)).toThrow(oauth.AuthorizationResponseError);

      await store.deleteConsent(demoUserId, PHOTOS.client_id);
      const needsConsent = await start(photos, 'http://127.0.0.1:40007/callback', { prompt: 'none' });
      const b = await errorOf(needsConsent.url);
      expect(Object.fromEntries(b.searchParams)).toMatchObject({ error: 'consent_required', state: needsConsent.state, iss: portal.issuer });
    });

    it('prompt=login sends a signed-in person to the password form once, not in a loop', async () => {
      const flow = await start(desktop, 'http://127.0.0.1:40008/callback', { prompt: 'login' });
      const login = await errorOf(flow.url);
      expect(login.pathname).toBe('/login');
      expect(login.searchParams.get('reauth')).toBe('1');
      const next = new URL(login.searchParams.get('next')!, portal.issuer);
      expect(next.searchParams.has('prompt')).toBe(false);
      // The login page shows the form (it does not bounce a signed-in person back).
      const page = await fetch(login, { headers: { cookie }, redirect: 'manual' });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('enter your password again');
    });
  });
});
