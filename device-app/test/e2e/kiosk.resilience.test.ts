/**
 * Resilience: the portal goes away while a code is on screen and comes back (same port, same
 * data) within the code's lifetime. The kiosk says "Reconnecting…", keeps the code, and
 * completes the sign-in when the phone approves — without a reload.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { devices, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../verify-portal/test/support/browser';
import { approveOnPhone } from '../../../verify-portal/test/support/phone';
import { freePort, startPortal, type RunningPortal } from '../../../verify-portal/test/support/portal';
import { decodeQr, screenshot, shownCode, startKiosk, type RunningKiosk } from '../support/kiosk';

/** The same server each time (port, data: keys and device codes), polled every second (not 5 s) so the test waits less. */
const portalAt = (port: number, dataDir: string) => startPortal({ port, dataDir, env: { PAIRGATE_POLL_INTERVAL_SECONDS: '1' } });

describe.skipIf(!chromiumAvailable('kiosk end to end (resilience)'))('kiosk web host while the portal restarts', () => {
  let browser: Browser;
  let portal: RunningPortal | undefined;
  let kiosk: RunningKiosk;
  let port: number;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pairgate-kiosk-e2e-'));

  beforeAll(async () => {
    port = await freePort();
    [portal, browser] = await Promise.all([portalAt(port, dataDir), launchChromium()]);
    kiosk = await startKiosk({ issuer: portal.issuer });
  });

  afterAll(async () => {
    await browser?.close();
    await kiosk?.close();
    await portal?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows "Reconnecting…" while the portal is down, then completes the sign-in with no reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(kiosk.url);
    await page.locator('.qr svg').waitFor();
    const code = await shownCode(page);
    const qr = decodeQr(await page.screenshot()) as string;
    await page.evaluate(() => Object.assign(window, { __noReload: true }));

    await portal?.stop();
    portal = undefined;
    // The next poll (at most one 1 s interval away) fails to connect.
    await page.getByText('Reconnecting…').waitFor({ timeout: 15_000 });
    expect(await shownCode(page)).toBe(code); // the code stays: it is still good at the server
    await screenshot(page, 'reconnecting-1920x1080');

    portal = await portalAt(port, dataDir);
    await approveOnPhone(await browser.newContext({ ...devices['Pixel 7'] }), { url: qr });
    // Back-off doubles from the interval after each failure (RFC 8628 §3.5 asks for back-off on errors).
    await page.getByText('Demo User').waitFor({ timeout: 45_000 });
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await page.close();
  }, 120_000);
});
