/**
 * The verification portal end to end: the real server process over HTTP, a phone in Chromium
 * (Pixel 7 emulation and a small 360×640 phone, playwright-core + Debian's chromium), and a
 * device driven by the `DeviceFlow` of @pairgate/shared in this process. Cases 1–4 and 6–9 of
 * issue 3 (case 5, the guessing limits, is in portal-limits.test.ts: it needs a portal that
 * trusts X-Forwarded-For), and issue 11's phone moment: two taps from the QR link when signed
 * in, the account shown and switchable, "Sign out everywhere else", times in the reader's zone.
 * axe-core runs on every page the flows visit: /login, /activate, the confirm screen, the
 * approved, denied and expired pages, and /account/devices.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { OAuthError, processTokenResponse, refreshTokenGrantRequest } from '@pairgate/shared';
import { devices, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/browser';
import { axeViolations, DEMO_EMAIL, DEMO_PASSWORD, KIOSK_CLIENT, approveOnPhone, demoSignedInState, goToConfirm, signIn, startDevice, type StartedDevice } from '../support/phone';
import { startPortal, type RunningPortal } from '../support/portal';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');
const run = chromiumAvailable('portal end to end');

describe.skipIf(!run)('portal end to end (Chromium, Pixel 7)', () => {
  let portal: RunningPortal;
  let browser: Browser;
  const secrets: string[] = [];
  const cspViolations: string[] = [];
  const started: StartedDevice[] = [];
  /**
   * The demo user's session, signed in once with the real password (production scrypt cost, about
   * 0.5 s of the portal's CPU a time) for the cases that start signed in; the cases about signing
   * in (1, 2, 2b, 2d, 6, sign-out) still type the password.
   */
  let signedInState: BrowserContextOptions['storageState'];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    // Devices poll every second (PAIRGATE_POLL_INTERVAL_SECONDS) instead of waiting out 5 s ones:
    // what the cases assert about polls is counted (StartedDevice.polls), never timed.
    [portal, browser] = await Promise.all([startPortal({ env: { PAIRGATE_POLL_INTERVAL_SECONDS: '1' } }), launchChromium()]);
    signedInState = await demoSignedInState(browser, portal.issuer);
  });

  afterAll(async () => {
    for (const d of started) d.cancel();
    await browser?.close();
    // Nothing secret ever reached the server's log: codes, tokens, the password.
    const log = portal?.output() ?? '';
    for (const secret of [DEMO_PASSWORD, ...secrets]) expect(log).not.toContain(secret);
    await portal?.stop();
    expect(cspViolations).toEqual([]);
  });

  async function device(name = 'Living room TV', model = 'Pairgate Stick 2') {
    const d = await startDevice(portal.issuer, { deviceName: name, deviceModel: model });
    started.push(d);
    secrets.push(d.authorization.device_code, d.authorization.user_code, d.authorization.user_code.replace('-', ''));
    return d;
  }

  /** A Pixel 7; `signedIn` starts it with the suite's session instead of signed out. */
  async function phone(options: { javaScriptEnabled?: boolean; signedIn?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const { signedIn: startSignedIn, ...contextOptions } = options;
    const context = await browser.newContext({ ...devices['Pixel 7'], ...contextOptions, ...(startSignedIn ? { storageState: signedInState } : {}) });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) cspViolations.push(message.text());
    });
    return { context, page };
  }

  const pathOf = (page: Page) => new URL(page.url()).pathname + new URL(page.url()).search;

  async function expectAccessible(page: Page, label: string) {
    const violations = await axeViolations(page);
    expect(violations, `axe on ${label}`).toEqual([]);
  }

  /** Case 1 (and 6 with JS off): /activate → sign in → back → type the code → confirm → approve. */
  async function typedCodeFlow(javaScriptEnabled: boolean, tag: string) {
    const d = await device();
    const code = d.authorization.user_code;
    const { context, page } = await phone({ javaScriptEnabled });
    try {
      await page.goto(`${portal.issuer}/activate`);
      expect(pathOf(page)).toBe('/login?next=%2Factivate');
      if (javaScriptEnabled) await expectAccessible(page, '/login');
      await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
      expect(pathOf(page)).toBe('/activate');
      if (javaScriptEnabled) await expectAccessible(page, '/activate');

      // A wrong code first: refused, and what was typed stays in the input to fix.
      const wrong = code.slice(0, 8) + (code.endsWith('Z') ? 'X' : 'Z');
      await page.locator('input[name=user_code]').fill(wrong.toLowerCase());
      await page.locator('form[data-form=activate] button[type=submit]').click();
      await page.locator('.notice.error').waitFor();
      expect(pathOf(page)).toBe('/activate');
      expect(await page.locator('.notice.error').textContent()).toContain('That code is not valid');
      expect(await page.locator('input[name=user_code]').inputValue()).toBe(wrong.toLowerCase());

      // Lowercase, a space instead of the dash.
      const typed = code.toLowerCase().replace('-', ' ');
      await page.locator('input[name=user_code]').fill('');
      if (javaScriptEnabled) await page.locator('input[name=user_code]').pressSequentially(typed);
      else await page.locator('input[name=user_code]').fill(typed);
      await page.locator('form[data-form=activate] button[type=submit]').click();
      await page.waitForURL((u) => u.pathname === '/activate/confirm');
      // No code in the URL: it travels in the server-side session.
      expect(pathOf(page)).toBe('/activate/confirm');

      const codeBox = page.locator('.code');
      expect(await codeBox.textContent()).toBe(code);
      expect(await codeBox.getAttribute('aria-label')).toBe(`${[...code.slice(0, 4)].join(' ')}, ${[...code.slice(5)].join(' ')}`);
      const body = (await page.locator('main').textContent()) ?? '';
      expect(body).toContain('Check that this matches the code on your screen');
      // One name for the device (its own), the app named once, with its label.
      expect(await page.locator('h1').textContent()).toBe('Sign in on Living room TV?');
      expect(body).toContain('Pairgate Stick 2');
      expect(body.split('Pairgate TV').length - 1).toBe(1);
      expect(await page.locator('.facts div', { hasText: 'App' }).textContent()).toBe('AppPairgate TV');
      expect(await page.locator('.account-line').textContent()).toBe(`Signed in as ${DEMO_EMAIL} — not you? Switch account`);
      expect(body).toContain('just now');
      expect(body).toContain('See your email address');
      // Same machine, same address: no different-network warning.
      expect(body).not.toContain('different network');
      if (javaScriptEnabled) await expectAccessible(page, 'the confirm screen');
      await page.screenshot({ path: path.join(artifacts, `confirm-${tag}.png`), fullPage: true });

      await page.locator('button[name=decision][value=approve]').click();
      await page.waitForURL((u) => u.pathname === '/activate/done');
      const pollsSentBeforeApproved = d.polls.length;
      expect(await page.locator('[data-result]').getAttribute('data-result')).toBe('approved');
      expect(await page.locator('main').textContent()).toContain("You're signed in on Living room TV. You can close this page.");
      if (javaScriptEnabled) await expectAccessible(page, 'the approved page');
      await page.screenshot({ path: path.join(artifacts, `result-approved-${tag}.png`), fullPage: true });

      // The device gets its tokens at its next poll: every earlier poll was told to keep waiting,
      // and at most one was sent after the approved page showed (RFC 8628 §3.5).
      const result = await d.result;
      expect(result.status).toBe('approved');
      expect(d.polls.map((poll) => poll.answer)).toEqual([...Array(d.polls.length - 1).fill('authorization_pending'), 'tokens']);
      expect(d.polls.length - pollsSentBeforeApproved).toBeLessThanOrEqual(1);
      if (result.status === 'approved') secrets.push(result.tokens.access_token, result.tokens.refresh_token ?? '');
      return { d, result, context, page };
    } catch (err) {
      await context.close();
      throw err;
    }
  }

  it('1. types the code after signing in, confirms, approves; the device gets tokens at its next poll', async () => {
    const { context } = await typedCodeFlow(true, 'pixel7');
    await context.close();
  }, 60_000);

  it('2. the QR path: /activate?user_code=… → sign in → confirm → approve', async () => {
    const d = await device('Bedroom TV');
    const context = await browser.newContext({ ...devices['Pixel 7'] });
    await approveOnPhone(context, { url: d.authorization.verification_uri_complete! });
    const result = await d.result;
    expect(result.status).toBe('approved');
    await context.close();
  }, 60_000);

  it('2b. the QR link goes on to the confirm screen after sign-in, and decides nothing by itself', async () => {
    const d = await device();
    const { context, page } = await phone();
    await page.goto(d.authorization.verification_uri_complete!);
    await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/activate/confirm');
    // The code has left the address bar: it travels in the server-side session from here.
    expect(pathOf(page)).toBe('/activate/confirm');
    expect(await page.locator('.code').textContent()).toBe(d.authorization.user_code);
    const db = new Database(path.join(portal.env.PAIRGATE_DATA_DIR, 'pairgate.db'), { readonly: true });
    expect(db.prepare('SELECT status FROM device_codes WHERE user_code = ?').get(d.authorization.user_code.replace('-', ''))).toEqual({ status: 'pending' });
    db.close();
    d.cancel();
    await context.close();
  }, 60_000);

  /** A small Android phone: 360×640 CSS pixels, the smallest common viewport. */
  const smallPhone = { ...devices['Pixel 7'], viewport: { width: 360, height: 640 }, screen: { width: 360, height: 640 }, deviceScaleFactor: 2 };

  for (const [label, descriptor] of [['Pixel 7', devices['Pixel 7']], ['360×640', smallPhone]] as const) {
    it(`2c. already signed in, ${label}: from the QR link to the device approved in 2 taps, no scrolling, the account shown`, async () => {
      const context = await browser.newContext({ ...descriptor, storageState: signedInState });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const d = await device('Kitchen TV', 'Pairgate Stick 2');
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST') posts.push(new URL(r.url()).pathname);
      });

      // Tap 1: the QR link (the phone's camera opens it).
      await page.goto(d.authorization.verification_uri_complete!);
      expect(pathOf(page)).toBe('/activate/confirm');
      expect(await page.locator('.account-line').textContent()).toContain(`Signed in as ${DEMO_EMAIL}`);
      expect(await page.locator('.code').textContent()).toBe(d.authorization.user_code);
      // Everything that decides is on the first screen: nothing scrolled, both buttons inside the viewport.
      const viewport = page.viewportSize()!;
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      for (const selector of ['h1', '.account-line', '.code-box', 'button[value=approve]', 'button[value=deny]']) {
        const box = (await page.locator(selector).boundingBox())!;
        expect(box.y, selector).toBeGreaterThanOrEqual(0);
        expect(box.x, selector).toBeGreaterThanOrEqual(0);
        expect(box.y + box.height, `${selector} bottom`).toBeLessThanOrEqual(viewport.height);
        expect(box.x + box.width, `${selector} right edge`).toBeLessThanOrEqual(viewport.width);
      }
      await expectAccessible(page, `the confirm screen at ${label}`);
      await page.screenshot({ path: path.join(artifacts, `confirm-qr-${label.replace('×', 'x').replace(' ', '').toLowerCase()}.png`) });

      // Tap 2: Approve.
      await page.locator('button[name=decision][value=approve]').tap();
      await page.waitForURL((u) => u.pathname === '/activate/done');
      expect(await page.locator('[data-result]').getAttribute('data-result')).toBe('approved');
      // One form was sent between the link and the approval: the Approve tap itself.
      expect(posts).toEqual(['/activate/confirm']);
      expect((await d.result).status).toBe('approved');
      await context.close();
    }, 60_000);
  }

  it('2d. "not you? Switch" signs out and, after signing in, comes back to the same code', async () => {
    const d = await device('Study TV');
    const { context, page } = await phone();
    await goToConfirm(page, { url: d.authorization.verification_uri_complete! });
    await page.locator('form[data-form=switch-account] button').click();
    await page.waitForURL((u) => u.pathname === '/login');
    expect(await page.locator('main').textContent()).toContain('You are signed out.');
    await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/activate/confirm');
    expect(await page.locator('.code').textContent()).toBe(d.authorization.user_code);
    d.cancel();
    await context.close();
  }, 60_000);

  it('3. deny → the device gets access_denied', async () => {
    const d = await device();
    const { context, page } = await phone({ signedIn: true });
    await goToConfirm(page, { url: d.authorization.verification_uri_complete! });
    await page.locator('button[name=decision][value=deny]').click();
    await page.waitForURL((u) => u.pathname === '/activate/done');
    expect(await page.locator('[data-result]').getAttribute('data-result')).toBe('denied');
    await expectAccessible(page, 'the denied page');
    await page.screenshot({ path: path.join(artifacts, 'result-denied-pixel7.png'), fullPage: true });
    const result = await d.result;
    expect(result.status).toBe('denied');
    expect(result.status === 'denied' && result.error.error).toBe('access_denied');
    await context.close();
  }, 60_000);

  it('4. an expired code → the expired page; the device gets expired_token', async () => {
    const d = await device();
    // Ten minutes are too long to wait: move this code's expiry into the past in the database.
    const db = new Database(path.join(portal.env.PAIRGATE_DATA_DIR, 'pairgate.db'));
    db.prepare('UPDATE device_codes SET expires_at = ? WHERE user_code = ?').run(Date.now() - 1_000, d.authorization.user_code.replace('-', ''));
    db.close();

    const { context, page } = await phone({ signedIn: true });
    await page.goto(`${portal.issuer}/activate`);
    await page.locator('input[name=user_code]').fill(d.authorization.user_code);
    await page.locator('form[data-form=activate] button[type=submit]').click();
    await page.waitForURL((u) => u.pathname === '/activate/done');
    expect(await page.locator('[data-result]').getAttribute('data-result')).toBe('expired');
    expect(await page.locator('main').textContent()).toContain('Ask the device for a new code');
    await expectAccessible(page, 'the expired page');
    await page.screenshot({ path: path.join(artifacts, 'result-expired-pixel7.png'), fullPage: true });
    const result = await d.result;
    expect(result.status).toBe('expired');
    await context.close();
  }, 60_000);

  it('6. the whole of case 1 with JavaScript disabled', async () => {
    const { context, page } = await typedCodeFlow(false, 'pixel7-nojs');
    // Really off: no script ran in the page.
    expect(await page.evaluate('typeof window.next')).toBe('undefined');
    await context.close();
  }, 60_000);

  it('7. a forged approve POST without the CSRF token is refused and nothing changes', async () => {
    const d = await device();
    const { context, page } = await phone({ signedIn: true });
    await goToConfirm(page, { url: d.authorization.verification_uri_complete! });

    // The session cookie rides along (same context); only the token is missing.
    const forged = await page.request.post(`${portal.issuer}/activate/confirm`, {
      form: { user_code: d.authorization.user_code, decision: 'approve' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('nothing was changed');
    const wrongToken = await page.request.post(`${portal.issuer}/activate/confirm`, {
      form: { csrf: 'A'.repeat(43), user_code: d.authorization.user_code, decision: 'approve' },
      maxRedirects: 0,
    });
    expect(wrongToken.status()).toBe(403);

    // Still pending: the device's next poll is told to keep waiting, and the real form still works.
    const firstPollAfterForgeries = d.polls.length;
    await expect.poll(() => d.polls[firstPollAfterForgeries]?.answer, { timeout: 15_000 }).toBe('authorization_pending');
    expect(d.flow.getState().status).toBe('waiting');
    await page.locator('button[name=decision][value=deny]').click();
    await page.waitForURL((u) => u.pathname === '/activate/done');
    expect((await d.result).status).toBe('denied');
    await context.close();
  }, 60_000);

  /** Approves a new device from a phone in `context` and waits for its tokens. */
  async function approvedDevice(context: BrowserContext, name: string, model: string) {
    const d = await device(name, model);
    await approveOnPhone(context, { url: d.authorization.verification_uri_complete! });
    const result = await d.result;
    if (result.status !== 'approved') throw new Error(`expected approval, got ${result.status}`);
    secrets.push(result.tokens.access_token, result.tokens.refresh_token ?? '');
    return { d, tokens: result.tokens };
  }

  /** The refresh the device would make next: refused with invalid_grant once it is signed out. */
  async function refreshError(d: StartedDevice, refreshToken: string): Promise<unknown> {
    return refreshTokenGrantRequest(d.metadata, KIOSK_CLIENT, refreshToken).then(processTokenResponse).then(() => undefined, (e: unknown) => e);
  }

  it('8. /account/devices lists the device; "Sign out this device" makes its next refresh fail with invalid_grant', async () => {
    // The person's phone is in New York; the server knows nothing of that.
    const context = await browser.newContext({ ...devices['Pixel 7'], timezoneId: 'America/New_York', storageState: signedInState });
    const { d, tokens } = await approvedDevice(context, 'Hall kiosk', 'Pi 5');

    const page = await context.newPage();
    await page.goto(`${portal.issuer}/account/devices`);
    const card = page.locator('li.device', { hasText: 'Hall kiosk' });
    expect(await card.count()).toBe(1);
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('Pairgate TV');
    expect(text).toContain('Pi 5');
    // Recent times are relative: right in every time zone.
    expect(await card.locator('.facts div', { hasText: 'Approved' }).textContent()).toMatch(/^Approved(just now|\d+ minutes? ago)$/);
    expect(text).toContain('Last used');
    expect(await page.locator('main').textContent()).toContain('10 minutes');

    // Older ones are dates: in the reader's zone once the page runs, in UTC (said so) without JavaScript.
    const db = new Database(path.join(portal.env.PAIRGATE_DATA_DIR, 'pairgate.db'));
    db.prepare("UPDATE grants SET created_at = ? WHERE device_name = 'Hall kiosk'").run(Date.UTC(2026, 0, 1, 12));
    db.close();
    await page.reload();
    const approved = card.locator('.facts div', { hasText: 'Approved' }).locator('time');
    // (ICU may put a narrow no-break space before AM.)
    const spaced = (t: string | null) => t?.replace(/\s/g, ' ');
    await expect.poll(async () => spaced(await approved.textContent())).toBe('Jan 1, 2026, 7:00 AM');
    expect(await approved.getAttribute('datetime')).toBe('2026-01-01T12:00:00.000Z');
    const noJs = await phone({ javaScriptEnabled: false, signedIn: true });
    await noJs.page.goto(`${portal.issuer}/account/devices`);
    expect(spaced(await noJs.page.locator('li.device', { hasText: 'Hall kiosk' }).locator('time').first().textContent())).toBe('Jan 1, 2026, 12:00 PM UTC');
    await noJs.context.close();
    await expectAccessible(page, '/account/devices');
    await page.screenshot({ path: path.join(artifacts, 'account-devices-pixel7.png'), fullPage: true });

    await card.getByRole('button', { name: /Sign out this device/ }).click();
    await page.waitForURL((u) => u.pathname === '/account/devices');
    expect(await page.locator('li.device', { hasText: 'Hall kiosk' }).count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain('The device is signed out');

    const error = await refreshError(d, tokens.refresh_token!);
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('invalid_grant');
    await context.close();
  }, 60_000);

  it('8b. "Sign out everywhere else" signs out every device; this phone stays signed in', async () => {
    const context = await browser.newContext({ ...devices['Pixel 7'], storageState: signedInState });
    const signedIn = [await approvedDevice(context, 'Garage screen', 'Pi 4'), await approvedDevice(context, 'Porch screen', 'Pi 4')];
    const page = await context.newPage();
    await page.goto(`${portal.issuer}/account/devices`);
    expect(await page.locator('li.device', { hasText: /Garage screen|Porch screen/ }).count()).toBe(2);
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await page.waitForURL((u) => u.pathname === '/account/devices');
    expect(await page.locator('main').textContent()).toContain('All your devices and apps are signed out.');
    expect(await page.locator('li.device').count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain('No devices are signed in to your account.');
    await expectAccessible(page, '/account/devices after signing out everywhere');
    for (const { d, tokens } of signedIn) expect(((await refreshError(d, tokens.refresh_token!)) as OAuthError).error).toBe('invalid_grant');
    // Still signed in here.
    await page.goto(`${portal.issuer}/activate`);
    expect(new URL(page.url()).pathname).toBe('/activate');
    await context.close();
  }, 60_000);

  it('every page answers with the security headers; sign-out ends the session', async () => {
    const { context, page } = await phone();
    const response = await page.goto(`${portal.issuer}/login`);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toBeUndefined(); // plain http here
    await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
    const cookie = (await context.cookies()).find((c) => c.name === 'pairgate-session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    await page.locator('form[action="/logout"] button').click();
    await page.waitForURL((u) => u.pathname === '/login');
    expect(await page.locator('main').textContent()).toContain('You are signed out.');
    await page.goto(`${portal.issuer}/account/devices`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  }, 60_000);
});
