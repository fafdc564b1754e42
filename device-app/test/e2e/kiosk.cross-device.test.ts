/**
 * The kiosk's side of cross-device protection (issue 13) and of sign-ins that end on the screen
 * (issue 11.5–11.6), end to end: the kiosk web host in Chromium against the real portal behind a
 * "trusted proxy" (PAIRGATE_TRUST_PROXY=true). The kiosk talks from loopback as it is; a phone
 * "on another network" claims 203.0.113.5 with X-Forwarded-For, a phone next to it sends none.
 * The clients' policies are set with the admin command, as an operator would.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../verify-portal/test/support/browser';
import { decideOnPhone, goToConfirm, numberChoices, pickNumberOnPhone, signedInPhone } from '../../../verify-portal/test/support/phone';
import { runAdmin, startPortal, type RunningPortal } from '../../../verify-portal/test/support/portal';
import { decodeQr, screenshot, shownCode, startKiosk, watchKioskTraffic, type RunningKiosk } from '../support/kiosk';

/** A phone on another network than the kiosk (which is on loopback). */
const AWAY_IP = '203.0.113.5';

describe.skipIf(!chromiumAvailable('kiosk cross-device end to end'))('kiosk: number matching, refusals and sign-ins ended from the phone (Chromium, trusted proxy)', () => {
  let portal: RunningPortal;
  let browser: Browser;
  /** Signed-in phones: next to the kiosk, and on another network. */
  let near: Page;
  let away: Page;
  const kiosks: RunningKiosk[] = [];

  const admin = (...args: string[]) => runAdmin(portal, ...args);
  const phone = (headers: Record<string, string>) => signedInPhone(browser, portal.issuer, headers);

  beforeAll(async () => {
    [portal, browser] = await Promise.all([startPortal({ env: { PAIRGATE_TRUST_PROXY: 'true', PAIRGATE_POLL_INTERVAL_SECONDS: '1' } }), launchChromium()]);
    await admin('clients', 'add', '--id', 'hall-kiosk', '--name', 'Hall kiosk', '--scopes', 'openid profile offline_access', '--proximity', 'step-up');
    await admin('clients', 'add', '--id', 'locked-kiosk', '--name', 'Locked kiosk', '--scopes', 'openid profile offline_access', '--proximity', 'deny');
    [near, away] = await Promise.all([phone({}), phone({ 'X-Forwarded-For': AWAY_IP })]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(kiosks.map((k) => k.close()));
    await portal?.stop();
  });

  /** A kiosk web host for one client and screen name, opened in a 1920×1080 page with its code on screen. */
  async function openKiosk(clientId: string, deviceName: string) {
    const kiosk = await startKiosk({ issuer: portal.issuer, clientId, deviceName, devicesApi: 'off' });
    kiosks.push(kiosk);
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const traffic = watchKioskTraffic(page, portal.issuer, kiosk);
    /** What the token endpoint told the kiosk's polls, error by error. */
    const pollErrors: string[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/oauth/token' && response.status() === 400) {
        void response.json().then((body: { error: string }) => pollErrors.push(body.error), () => undefined);
      }
    });
    await page.goto(kiosk.url);
    await page.locator('.code').waitFor();
    return { page, traffic, pollErrors, qr: async () => decodeQr(await page.screenshot()) as string };
  }

  const status = (page: Page) => page.locator('[role=status]').textContent();

  /** A refresh with `refreshToken` at the token endpoint (RFC 6749 §6), as a thief holding it would try: the status and the error. */
  async function refresh(refreshToken: string, clientId: string): Promise<{ status: number; error: string | undefined }> {
    const response = await fetch(`${portal.issuer}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }) });
    return { status: response.status, error: ((await response.json()) as { error?: string }).error };
  }

  /** Clicks `button` on the phone, then waits until the kiosk shows a code other than `before` (a new pairing) at most `timeout` ms from the click; how long it took. */
  async function clickUntilNewCode(button: ReturnType<Page['locator']>, page: Page, before: string, timeout: number): Promise<number> {
    const clicked = Date.now();
    await button.click();
    await page.waitForFunction(
      (old) => {
        const code = document.querySelector('.code')?.textContent;
        return code && code !== old;
      },
      before,
      { timeout: Math.max(1, timeout - (Date.now() - clicked)) },
    );
    return Date.now() - clicked;
  }

  it('step-up, phone on another network: the number shows beside the code; a wrong pick denies, and the kiosk is told', async () => {
    const { page, pollErrors, qr } = await openKiosk('hall-kiosk', 'Hall screen');
    await goToConfirm(away, { url: await qr() });
    // The confirm screen drew the number and the kiosk heard it (push `match`).
    const number = (await page.locator('.match-number').textContent({ timeout: 5_000 })) ?? '';
    expect(number).toMatch(/^[1-9][0-9]$/);
    expect(await page.locator('.match-line').textContent()).toBe(`Pick ${number} on your phone`);
    expect(await status(page)).toContain('Continue on your phone');
    await screenshot(page, 'cross-device-kiosk-number-1920x1080');
    const choices = await numberChoices(away);
    expect(choices).toHaveLength(3);
    expect(choices).toContain(number);

    expect(await pickNumberOnPhone(away, choices.find((c) => c !== number)!)).toBe('wrong-number');
    await page.getByText('Access was denied').waitFor({ timeout: 5_000 });
    await expect.poll(() => pollErrors).toContain('access_denied');
    expect(await page.locator('.match').count()).toBe(0);
    await page.close();
  }, 90_000);

  it("step-up: the right pick signs the kiosk in; then \"This wasn't me\" shows a new code within 2 s and the old refresh token is refused", async () => {
    const { page, traffic, qr } = await openKiosk('hall-kiosk', 'Hall screen');
    const code = await shownCode(page);
    await goToConfirm(away, { url: await qr() });
    const number = (await page.locator('.match-number').textContent({ timeout: 5_000 })) ?? '';
    expect(await pickNumberOnPhone(away, number)).toBe('approved');
    await page.getByText('Demo User').waitFor({ timeout: 20_000 });
    const refreshToken = await traffic.refreshToken(1);

    const tookMs = await clickUntilNewCode(away.locator('form[data-form=disown] button'), page, code, 2_000);
    console.log(`[kiosk cross-device] "This wasn't me" → a new code on the kiosk in ${tookMs} ms`);
    await away.waitForURL((u) => u.pathname === '/activate/done');
    expect(await away.locator('[data-result]').getAttribute('data-result')).toBe('disowned');
    expect(await refresh(refreshToken, 'hall-kiosk')).toEqual({ status: 400, error: 'invalid_grant' });
    await page.close();
  }, 90_000);

  it('deny, phone on another network: the phone gets the refusal page, the kiosk shows denied', async () => {
    const { page, pollErrors, qr } = await openKiosk('locked-kiosk', 'Locked screen');
    await away.goto(await qr());
    await away.waitForURL((u) => u.pathname === '/activate/confirm');
    expect(await away.locator('[data-result]').getAttribute('data-result')).toBe('refused');
    await page.getByText('Access was denied').waitFor({ timeout: 5_000 });
    await expect.poll(() => pollErrors).toContain('access_denied');
    await page.close();
  }, 90_000);

  /** Approves the kiosk's current code from the phone next to it; resolves once the kiosk shows the name. */
  async function approveNearby(page: Page, qr: () => Promise<string>) {
    await goToConfirm(near, { url: await qr() });
    await decideOnPhone(near, 'approve');
    await page.getByText('Demo User').waitFor({ timeout: 20_000 });
  }

  /** The live sign-ins named `name` on the phone's Devices and apps. */
  async function cardsNamed(name: string) {
    await near.goto(`${portal.issuer}/account/devices`);
    return near.locator('li.device').filter({ has: near.locator('h3', { hasText: name }) });
  }

  it('"Sign out this device" on the phone’s Devices and apps: the kiosk shows a new code within 5 s', async () => {
    const { page, qr } = await openKiosk('tv-kiosk', 'Signed out from the phone');
    const code = await shownCode(page);
    await approveNearby(page, qr);
    const cards = await cardsNamed('Signed out from the phone');
    expect(await cards.count()).toBe(1);
    const tookMs = await clickUntilNewCode(cards.locator('form[data-form=device-sign-out] button'), page, code, 5_000);
    console.log(`[kiosk cross-device] "Sign out this device" → a new code on the kiosk in ${tookMs} ms`);
    expect(await (await cardsNamed('Signed out from the phone')).count()).toBe(0);
    await page.close();
  }, 90_000);

  it('a reload of the signed-in kiosk forgets its tokens, and pairing it again replaces its sign-in: one card, not two', async () => {
    const { page, traffic, qr } = await openKiosk('tv-kiosk', 'Reloaded screen');
    await approveNearby(page, qr);
    const firstRefreshToken = await traffic.refreshToken(1);
    await page.reload();
    await page.locator('.code').waitFor();
    await approveNearby(page, qr);
    expect(await (await cardsNamed('Reloaded screen')).count()).toBe(1);
    // The first sign-in was ended by the second (the same device_id), not merely hidden.
    expect(await refresh(firstRefreshToken, 'tv-kiosk')).toEqual({ status: 400, error: 'invalid_grant' });
    await page.close();
  }, 90_000);
});
