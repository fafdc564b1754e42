/**
 * Desktop sign-in against the real portal over real HTTP, the browser step done by Chromium:
 *   - the desktop-mode controller as Electron main runs it (`onReady`, Electron mocked), with
 *     `shell.openExternal` opening the URL in a Chromium page;
 *   - `pairgate login --device` as a child process, approved on a phone through the portal pages;
 *   - `pairgate login` in the browser (PKCE, loopback), its browser command routed to Chromium;
 *   - the client's own checks: a `state` that is not ours, an `iss` left out.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { devices, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../verify-portal/test/support/browser';
import { DEMO_EMAIL, DEMO_PASSWORD, approveOnPhone, signIn } from '../../../verify-portal/test/support/phone';
import { startPortal, type RunningPortal } from '../../../verify-portal/test/support/portal';
import { loadConfig } from '../../src/config';
import type { Command, ViewState } from '../../src/core/view-state';
import { Channel } from '../../src/ipc';
import { onReady } from '../../src/main/index';
import { appPaths } from '../../src/main/paths';
import { BROWSER_COMMAND_SCRIPT, startCli } from '../support/cli';
import { readTerminalQr } from '../support/terminal-qr';
import { app, ipcMain, net, resetElectron, shell } from '../support/electron';

vi.mock('electron', () => import('../support/electron'));

const electronDir = '/opt/pairgate/dist/electron';
const isCallback = (url: URL) => url.hostname === '127.0.0.1' && url.pathname === '/callback';

describe.skipIf(!chromiumAvailable('desktop sign-in end to end (portal)'))('desktop sign-in and pairgate login with the Pairgate portal', () => {
  let portal: RunningPortal;
  let browser: Browser;
  const dirs: string[] = [];

  beforeAll(async () => {
    [portal, browser] = await Promise.all([startPortal(), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function tempDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'pairgate-desktop-e2e-'));
    dirs.push(dir);
    return dir;
  }

  /**
   * Tampers with the authorization response on its way to the loopback listener, as an attacker
   * injecting a response would. The portal answers the sign-in form with a redirect to
   * /oauth/authorize, which redirects to the callback; a redirect's later legs cannot be routed,
   * so this follows the authorize hop itself (with the context's cookies) and hands the browser
   * a redirect to the changed callback URL.
   */
  async function tamperWithCallback(context: BrowserContext, change: (query: URLSearchParams) => void): Promise<void> {
    await context.route(
      (url) => url.origin === portal.issuer,
      async (route) => {
        if (route.request().resourceType() !== 'document') return route.continue();
        let response = await route.fetch({ maxRedirects: 0 });
        let current = route.request().url();
        for (let hop = 0; hop < 3; hop++) {
          const location = response.headers().location;
          if (!location) break;
          const target = new URL(location, current);
          if (isCallback(target)) {
            change(target.searchParams);
            return route.fulfill({ status: 303, headers: { location: target.href, 'cache-control': 'no-store' } });
          }
          if (target.origin !== portal.issuer || target.pathname !== '/oauth/authorize') break;
          response = await context.request.get(target.href, { maxRedirects: 0 });
          current = target.href;
          if (!response.headers().location || !isCallback(new URL(response.headers().location as string, current))) {
            // Not the answer yet (the sign-in page): let the browser make that hop itself.
            return route.fulfill({ status: 303, headers: { location: target.href } });
          }
        }
        return route.fulfill({ response });
      },
    );
  }

  /** The person in the browser: signs in on the portal (first-party app: no consent) and lands on the loopback page. */
  async function signInInBrowser(page: Page): Promise<string> {
    page.setDefaultTimeout(20_000);
    await page.waitForURL((u) => u.pathname === '/login' || isCallback(u));
    if (new URL(page.url()).pathname === '/login') await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
    await page.waitForURL(isCallback);
    return (await page.locator('[data-outcome]').textContent()) ?? '';
  }

  it('desktop mode in Electron main (mocked): openExternal → Chromium, sign in on the portal, ID token nonce checked, signed in, sign-out', async () => {
    resetElectron();
    const context = await browser.newContext();
    const tokenBodies: { id_token?: string; access_token?: string; refresh_token?: string }[] = [];
    net.fetch.mockImplementation(async (url: string, init: RequestInit) => {
      const response = await fetch(url, init);
      if (new URL(url).pathname === '/oauth/token' && response.ok) tokenBodies.push((await response.clone().json()) as (typeof tokenBodies)[number]);
      return response;
    });
    const opened: string[] = [];
    let tab!: Promise<Page>;
    const pageOpened = new Promise<void>((resolve) => {
      shell.openExternal.mockImplementation(async (url: string) => {
        opened.push(url);
        tab = context.newPage().then(async (page) => {
          void page.goto(url).catch(() => undefined);
          return page;
        });
        resolve();
      });
    });

    const config = loadConfig({
      env: {
        PAIRGATE_MODE: 'desktop',
        PAIRGATE_ISSUER: portal.issuer,
        PAIRGATE_SCOPE: 'openid profile email offline_access',
      },
    });
    await onReady(config, electronDir);
    const trusted = { senderFrame: { url: appPaths(electronDir).pageUrl, parent: null } };
    const invoke = (channel: string, ...args: unknown[]) => (ipcMain.handlers.get(channel) as (...a: unknown[]) => unknown)(trusted, ...args);
    const view = () => invoke(Channel.getState) as ViewState;
    const send = (command: Command) => invoke(Channel.command, command);
    try {
      expect(view()).toEqual({ screen: 'browser-sign-in', status: 'ready', failure: null, notice: null });
      send({ type: 'sign-in' });
      await pageOpened;
      const authorizationUrl = new URL(opened[0] as string);
      expect(authorizationUrl.origin).toBe(portal.issuer);
      expect(authorizationUrl.pathname).toBe('/oauth/authorize');
      expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');

      const page = await tab;
      expect(await signInInBrowser(page)).toBe('You’re signed in. You can close this tab and return to Pairgate.');
      // RFC 9207: the portal said who answered, and it was checked against the issuer.
      expect(new URL(page.url()).searchParams.get('iss')).toBe(portal.issuer);
      await vi.waitFor(() => expect(view()).toMatchObject({ screen: 'signed-in', name: 'Demo User', signingOut: false, notice: null, devices: { status: 'ready' } }), {
        timeout: 15_000,
      });
      // Discovery lists devices:read, so main asked for it and called the portal's devices API
      // with the access token; the view got display rows only.
      expect(authorizationUrl.searchParams.get('scope')).toContain('devices:read');
      const shown = view();
      if (shown.screen !== 'signed-in' || shown.devices?.status !== 'ready') throw new Error('no device list');
      expect(shown.devices.items.filter((d) => d.current)).toHaveLength(1);
      expect(net.fetch.mock.calls.some(([url]) => new URL(url as string).pathname === '/api/devices')).toBe(true);

      // The ID token carries the nonce this sign-in made (OIDC Core §3.1.3.7 item 11).
      const idToken = tokenBodies[0]?.id_token as string;
      expect(decodeJwt(idToken).nonce).toBe(authorizationUrl.searchParams.get('nonce'));
      // The tab shows no token; the renderer was sent none.
      const pageText = await page.content();
      const { BrowserWindow } = await import('../support/electron');
      const sent = JSON.stringify(BrowserWindow.instances.flatMap((w) => w.webContents.sent));
      for (const secret of [idToken, tokenBodies[0]?.access_token, tokenBodies[0]?.refresh_token]) {
        expect(secret).toBeTypeOf('string');
        expect(pageText).not.toContain(secret);
        expect(sent).not.toContain(secret);
      }

      // Sign-out revokes at the portal and returns to "Sign in with your browser".
      send({ type: 'sign-out' });
      await vi.waitFor(() => expect(view()).toEqual({ screen: 'browser-sign-in', status: 'ready', failure: null, notice: null }), { timeout: 15_000 });
      const refresh = await fetch(`${portal.issuer}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokenBodies[0]?.refresh_token as string, client_id: 'desktop-app' }),
      });
      expect(refresh.status).toBe(400);
    } finally {
      app.emit('before-quit');
      await context.close();
    }
  });

  it('desktop mode refuses a callback whose state is not its own (the tab and the app say so)', async () => {
    resetElectron();
    const context = await browser.newContext();
    // Whatever the portal sends back, the callback arrives with another state (an injected response).
    await tamperWithCallback(context, (query) => query.set('state', 'forged-state'));
    net.fetch.mockImplementation((url: string, init: RequestInit) => fetch(url, init));
    let tab!: Promise<Page>;
    shell.openExternal.mockImplementation(async (url: string) => {
      tab = context.newPage().then((page) => {
        void page.goto(url).catch(() => undefined);
        return page;
      });
    });
    await onReady(loadConfig({ env: { PAIRGATE_MODE: 'desktop', PAIRGATE_ISSUER: portal.issuer } }), electronDir);
    const trusted = { senderFrame: { url: appPaths(electronDir).pageUrl, parent: null } };
    const invoke = (channel: string, ...args: unknown[]) => (ipcMain.handlers.get(channel) as (...a: unknown[]) => unknown)(trusted, ...args);
    try {
      invoke(Channel.command, { type: 'sign-in' });
      await vi.waitFor(() => expect(shell.openExternal).toHaveBeenCalled());
      expect(await signInInBrowser(await tab)).toContain('does not belong to the sign-in Pairgate started');
      await vi.waitFor(() => expect(invoke(Channel.getState)).toMatchObject({ screen: 'browser-sign-in', status: 'failed', failure: 'state-mismatch' }));
    } finally {
      app.emit('before-quit');
      await context.close();
    }
  });

  it('pairgate login --device: URL, code and QR printed; approved on a phone; exit 0; tokens in a 0600 file', async () => {
    const dir = tempDir();
    const cli = startCli(['login', '--device', '--issuer', portal.issuer], { PAIRGATE_CONFIG_DIR: dir });
    const [url] = await cli.waitForStderr(/http:\/\/127\.0\.0\.1:\d+\/activate\?user_code=\S+/);
    expect(cli.stderr()).toMatch(/\b[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}\b/);
    await cli.waitForStderr(/The code expires in/);
    // The terminal QR, read back from its characters: verification_uri_complete, quiet zone and all.
    const qr = readTerminalQr(cli.stderr());
    expect(qr).toEqual({ text: url, quietZone: 4 });
    const phone = await browser.newContext({ ...devices['Pixel 7'] });
    try {
      await approveOnPhone(phone, { url: qr.text as string });
    } finally {
      await phone.close();
    }
    expect(await cli.exit).toBe(0);
    // The portal's push channel told it the phone had the page open (the ws package on Node 20).
    expect(cli.stderr()).toContain('Continue on your phone…');
    const file = path.join(dir, 'tokens.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(saved).toMatchObject({ issuer: portal.issuer, client_id: 'tv-kiosk', name: 'Demo User' });
    expect(cli.stderr()).toContain('Signed in as Demo User.');
    expect(cli.stderr()).not.toContain(saved.access_token);
    expect(cli.stderr()).not.toContain(saved.refresh_token);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).not.toMatch(/\r|\x1b/); // not a TTY: plain lines
  }, 60_000);

  /** `pairgate login` with its browser command writing the URL to a file; the test opens it in Chromium. */
  async function browserLogin(context: BrowserContext) {
    const dir = tempDir();
    const urlFile = path.join(dir, 'opened-url');
    const cli = startCli(['login', '--issuer', portal.issuer], {
      PAIRGATE_CONFIG_DIR: dir,
      PAIRGATE_BROWSER_COMMAND: `${process.execPath} ${BROWSER_COMMAND_SCRIPT}`,
      PAIRGATE_E2E_URL_FILE: urlFile,
    });
    await vi.waitFor(() => expect(existsSync(urlFile)).toBe(true), { timeout: 20_000, interval: 100 });
    const url = readFileSync(urlFile, 'utf8');
    const page = await context.newPage();
    void page.goto(url).catch(() => undefined);
    const outcome = await signInInBrowser(page);
    return { cli, dir, url, outcome, page };
  }

  it('pairgate login in the browser: PKCE through the loopback, the browser step done by Chromium; exit 0', async () => {
    const context = await browser.newContext();
    try {
      const { cli, dir, url, outcome } = await browserLogin(context);
      expect(new URL(url).origin).toBe(portal.issuer);
      expect(outcome).toBe('You’re signed in. You can close this tab and return to Pairgate.');
      expect(await cli.exit).toBe(0);
      const file = path.join(dir, 'tokens.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      expect(saved).toMatchObject({ issuer: portal.issuer, client_id: 'desktop-app', name: 'Demo User' });
      expect(decodeJwt(saved.id_token as string).nonce).toBe(new URL(url).searchParams.get('nonce'));
      expect(cli.stderr()).not.toContain(saved.access_token);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('pairgate login refuses a state that is not its own: the tab says so, exit 1, a clear message, nothing saved', async () => {
    const context = await browser.newContext();
    await tamperWithCallback(context, (query) => query.set('state', 'forged-state'));
    try {
      const { cli, dir, outcome } = await browserLogin(context);
      expect(outcome).toContain('does not belong to the sign-in Pairgate started');
      expect(await cli.exit).toBe(1);
      expect(cli.stderr()).toContain('state mismatch');
      expect(existsSync(path.join(dir, 'tokens.json'))).toBe(false);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('pairgate login refuses a callback without iss from a server that advertises it (RFC 9207): exit 1', async () => {
    const metadata = (await (await fetch(`${portal.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    const context = await browser.newContext();
    await tamperWithCallback(context, (query) => query.delete('iss'));
    try {
      const { cli, dir, outcome } = await browserLogin(context);
      expect(outcome).toContain('could not complete the sign-in');
      expect(await cli.exit).toBe(1);
      expect(cli.stderr()).toContain('RFC 9207');
      expect(existsSync(path.join(dir, 'tokens.json'))).toBe(false);
    } finally {
      await context.close();
    }
  }, 60_000);
});
