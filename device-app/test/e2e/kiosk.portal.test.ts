/**
 * The kiosk web host against the real portal, in Chromium, over real HTTP: code and QR on a
 * 1920×1080 screen, a phone (Pixel 7) that signs in and approves through the portal's pages,
 * the kiosk showing who signed in without a reload, sign-out that really revokes, and denial.
 */
import { devices, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../verify-portal/test/support/browser';
import { approveOnPhone, decideOnPhone, openConfirmOnPhone, startDevice } from '../../../verify-portal/test/support/phone';
import { startPortal, type RunningPortal } from '../../../verify-portal/test/support/portal';
import { axeViolations, decodeQr, screenshot, shownCode, startKiosk, watchKioskTraffic, type KioskTraffic, type RunningKiosk } from '../support/kiosk';

describe.skipIf(!chromiumAvailable('kiosk end to end (portal)'))('kiosk web host with the Pairgate portal', () => {
  let portal: RunningPortal;
  let kiosk: RunningKiosk;
  let browser: Browser;
  let phone: BrowserContext;

  beforeAll(async () => {
    // The other screens the phone approves poll every second instead of every 5 s
    // (PAIRGATE_POLL_INTERVAL_SECONDS); the kiosk itself hears of its approval on its push channel.
    [portal, browser] = await Promise.all([startPortal({ env: { PAIRGATE_POLL_INTERVAL_SECONDS: '1' } }), launchChromium()]);
    kiosk = await startKiosk({ issuer: portal.issuer, scope: 'openid profile offline_access', deviceName: 'Living room TV' });
    phone = await browser.newContext({ ...devices['Pixel 7'] });
  });

  afterAll(async () => {
    await browser?.close();
    await kiosk?.close();
    await portal?.stop();
  });

  // How fast the code appears is measured by `npm run bench -w @pairgate/device-app`, not asserted
  // here: a wall-clock bound in a test only measures how busy the machine is.
  async function openKiosk(viewport: { width: number; height: number }): Promise<{ page: Page; traffic: KioskTraffic; served: string }> {
    const page = await browser.newPage({ viewport });
    const traffic = watchKioskTraffic(page, portal.issuer, kiosk);
    const response = await page.goto(kiosk.url);
    await page.locator('.code').waitFor();
    await page.locator('.qr svg').waitFor();
    return { page, traffic, served: (await response?.text()) ?? '' };
  }

  it('signs in with a phone: code + QR, approval on the phone, the name on the kiosk, then sign-out revokes', async () => {
    const { page, traffic, served } = await openKiosk({ width: 1920, height: 1080 });

    const code = await shownCode(page);
    expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    // The web host asked for the code and rendered it into the page as served — on screen before
    // any script ran — and the page carried on with it: no second request.
    const authorization = await traffic.deviceAuthorization(1);
    expect(authorization).toMatchObject({ user_code: code, source: 'host' });
    expect(served).toContain(`data-code="${code}"`);
    expect(served).toContain('<svg');
    await expect.poll(() => page.locator('[role=status]').textContent()).toContain('Waiting for you to approve');
    expect(traffic.deviceAuthorizationCount()).toBe(1);
    await expect(page.locator('.code').getAttribute('aria-label')).resolves.toBe(`Your code is ${[...code.slice(0, 4)].join(' ')}, ${[...code.slice(5)].join(' ')}`);

    // The QR, read back from pixels, is exactly verification_uri_complete (RFC 8628 §3.3.1).
    const png = await screenshot(page, 'pairing-1920x1080');
    expect(decodeQr(png)).toBe(authorization.verification_uri_complete);
    expect(await page.locator('.url').textContent()).toBe(authorization.verification_uri.replace(/^https?:\/\//, ''));

    expect(await axeViolations(page)).toEqual([]);

    // The same person has other screens signed in already: the kiosk lists them once it is in.
    for (const deviceName of ['Kitchen TV', 'Bedroom TV', 'Office display']) {
      const other = await startDevice(portal.issuer, { deviceName, deviceModel: 'Pairgate e2e', scope: 'openid offline_access' });
      await approveOnPhone(phone, { url: other.authorization.verification_uri_complete as string });
      expect((await other.result).status).toBe('approved');
    }
    const apiCalls: { authorization: string | undefined; origin: string | undefined }[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/devices' && request.method() === 'GET') {
        apiCalls.push({ authorization: request.headers().authorization, origin: request.headers().origin });
      }
    });

    // A marker that a reload would wipe out.
    await page.evaluate(() => Object.assign(window, { __noReload: true }));
    // The phone opens the link: the push channel tells the kiosk at once.
    const confirm = await openConfirmOnPhone(phone, { url: decodeQr(png) as string });
    await expect.poll(() => page.locator('[role=status]').textContent(), { timeout: 5_000 }).toContain('Continue on your phone');
    await screenshot(page, 'opened-1920x1080');
    await decideOnPhone(confirm, 'approve');
    await confirm.close();
    await page.getByText('Demo User').waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    expect(await page.locator('h1.name').textContent()).toBe('Demo User');
    // "Your devices" from the portal's example API: this screen first and marked, the most
    // recently approved next, the rest counted.
    const list = page.getByTestId('devices');
    await list.getByRole('listitem').first().waitFor({ timeout: 10_000 });
    expect(await list.getByRole('heading').textContent()).toBe('Your devices');
    expect(await list.getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(/^Living room TVthis device/),
      expect.stringMatching(/^Office display/),
      expect.stringMatching(/^Bedroom TV/),
    ]);
    expect(await list.locator('.more').textContent()).toBe('and 1 more');
    // The page's controller made the call, with the bearer token (RFC 6750 §2.1), from its own origin (CORS).
    expect(apiCalls).toHaveLength(1);
    expect(apiCalls[0]?.authorization).toMatch(/^Bearer ey/);
    // Read from across the room: rows at least 4.5 % of the screen tall, everything inside the safe area.
    const row = await list.getByRole('listitem').first().boundingBox();
    expect(row?.height).toBeGreaterThanOrEqual(1080 * 0.045);
    for (const selector of ['.who', '.devices', '.status-bar button']) {
      const box = await page.locator(selector).boundingBox();
      expect(box, selector).not.toBeNull();
      if (!box) continue;
      expect(box.y, selector).toBeGreaterThanOrEqual(1080 * 0.05 - 1);
      expect(box.y + box.height, selector).toBeLessThanOrEqual(1080 * 0.95 + 1);
      expect(box.x + box.width, selector).toBeLessThanOrEqual(1920 * 0.95 + 1);
    }
    await screenshot(page, 'signed-in-1920x1080');
    expect(await axeViolations(page)).toEqual([]);

    // No token is on the page, nor in its URL.
    const refreshToken = await traffic.refreshToken(1);
    expect(refreshToken).toBeTypeOf('string');
    expect(await page.content()).not.toContain(refreshToken);
    expect(page.url()).toBe(kiosk.url);

    // Sign out with the remote: the button has the focus, so OK (Enter) presses it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Sign out');
    await page.keyboard.press('Enter');
    await page.locator('.code').waitFor();
    expect(await shownCode(page)).not.toBe(code);
    expect(await traffic.revocation(1)).toContain('token_type_hint=refresh_token');

    // The old refresh token no longer works at the server.
    const refreshed = await fetch(`${portal.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'tv-kiosk' }),
    });
    expect(refreshed.status).toBe(400);
    expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
    // Nothing secret reached the portal's log either.
    expect(portal.output()).not.toContain(refreshToken);
    await page.close();
  }, 90_000);

  it('fits 1280×720 too, and a denial offers "Start again", which the remote can press', async () => {
    const { page } = await openKiosk({ width: 1280, height: 720 });
    const png = await screenshot(page, 'pairing-1280x720');
    const qr = decodeQr(png);
    expect(qr).toContain('/activate?user_code=');
    // Everything inside the 5 % safe area.
    for (const selector of ['.title', '.qr', '.code', '.url', '.status']) {
      const box = await page.locator(selector).boundingBox();
      expect(box, selector).not.toBeNull();
      if (!box) continue;
      expect(box.x, selector).toBeGreaterThanOrEqual(1280 * 0.05 - 1);
      expect(box.y, selector).toBeGreaterThanOrEqual(720 * 0.05 - 1);
      expect(box.x + box.width, selector).toBeLessThanOrEqual(1280 * 0.95 + 1);
      expect(box.y + box.height, selector).toBeLessThanOrEqual(720 * 0.95 + 1);
    }
    const code = await shownCode(page);
    await approveOnPhone(phone, { url: qr as string, decision: 'deny' });
    await page.getByText('Access was denied').waitFor({ timeout: 20_000 });
    await screenshot(page, 'denied-1280x720');
    expect(await axeViolations(page)).toEqual([]);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Start again');
    await page.keyboard.press('Enter');
    await page.locator('.code').waitFor();
    expect(await shownCode(page)).not.toBe(code);
    await page.close();
  }, 90_000);
});
