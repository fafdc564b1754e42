/**
 * The same kiosk against a server that is not Pairgate: panva's oidc-provider, found by
 * discovery, approving through that server's own pages. It sends no `interval` (so 5 s, RFC 8628
 * §3.2) and keeps the name in /userinfo rather than the ID token.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { devices } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../verify-portal/test/support/browser';
import { SHORT_CODE_TTL_SECONDS, SHORT_LIVED_CLIENT, startForeignServer } from '../support/foreign-server';
import { axeViolations, decodeQr, screenshot, shownCode, startKiosk, watchKioskTraffic, type KioskTraffic, type RunningKiosk } from '../support/kiosk';

/** Approves on oidc-provider's default pages: confirm the code, sign in (any login), consent. */
async function approveOnForeignPages(context: BrowserContext, url: string): Promise<void> {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  try {
    // Its pages @import a web font from the internet; do not wait for that.
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.locator('button[autofocus][form="op.deviceConfirmForm"]').click();
    await page.locator('input[name=login]').fill('alice');
    await page.locator('input[name=password]').fill('any password');
    await page.locator('button.login-submit').click();
    await page.waitForURL((u) => u.pathname.startsWith('/interaction/'), { waitUntil: 'domcontentloaded' });
    const consent = page.locator('button.login-submit', { hasText: 'Continue' });
    await consent.click();
    await page.getByText(/Sign-in Success/i).waitFor();
  } finally {
    await page.close();
  }
}

describe.skipIf(!chromiumAvailable('kiosk end to end (foreign RFC 8628 server)'))('kiosk web host with a foreign server (oidc-provider)', () => {
  let foreign: Awaited<ReturnType<typeof startForeignServer>>;
  let browser: Browser;
  const kiosks: RunningKiosk[] = [];

  beforeAll(async () => {
    [foreign, browser] = await Promise.all([startForeignServer(), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(kiosks.map((k) => k.close()));
    await foreign?.close();
  });

  async function openKiosk(clientId: string, scope: string): Promise<{ page: Page; traffic: KioskTraffic }> {
    const kiosk = await startKiosk({ issuer: foreign.issuer, clientId, scope });
    kiosks.push(kiosk);
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const traffic = watchKioskTraffic(page, foreign.issuer, kiosk);
    await page.goto(kiosk.url);
    await page.locator('.qr svg').waitFor({ timeout: 15_000 });
    return { page, traffic };
  }

  it('completes a sign-in, approved through the foreign server’s own pages', async () => {
    const { page, traffic } = await openKiosk('tv-kiosk', 'openid profile');
    const png = await screenshot(page, 'foreign-pairing-1920x1080');
    const authorization = await traffic.deviceAuthorization(1);
    expect(authorization.verification_uri_complete).toBeTypeOf('string');
    expect(authorization).not.toHaveProperty('interval');
    expect(authorization.source).toBe('host'); // the web host's first code, rendered into the page
    expect(decodeQr(png)).toBe(authorization.verification_uri_complete);
    expect((await shownCode(page)).replace('-', '')).toBe(authorization.user_code.replace('-', ''));

    const phone = await browser.newContext({ ...devices['Pixel 7'] });
    await approveOnForeignPages(phone, decodeQr(png) as string);
    await page.getByText('Foreign alice').waitFor({ timeout: 20_000 });
    await screenshot(page, 'foreign-signed-in-1920x1080');
    expect(await axeViolations(page)).toEqual([]);
    await phone.close();
    await page.close();
  }, 90_000);

  it('when a code expires, a new one appears by itself', async () => {
    const { page, traffic } = await openKiosk(SHORT_LIVED_CLIENT, 'openid');
    const first = await shownCode(page);
    expect((await traffic.deviceAuthorization(1)).expires_in).toBe(SHORT_CODE_TTL_SECONDS);
    await expect
      .poll(() => shownCode(page), { timeout: (SHORT_CODE_TTL_SECONDS + 10) * 1000, interval: 500 })
      .not.toBe(first);
    // The page asked for the next one itself.
    const second = await traffic.deviceAuthorization(2);
    expect(second.source).toBe('page');
    expect(second.user_code.replace('-', '')).toBe((await shownCode(page)).replace('-', ''));
    expect(traffic.deviceAuthorizationCount()).toBe(2);
    await expect.poll(() => page.locator('[role=status]').textContent()).toContain('Waiting for you to approve');
    await page.close();
  }, 60_000);
});
