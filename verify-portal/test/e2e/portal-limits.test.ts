/**
 * Case 5 of issue 3: wrong codes past the limit get a 429 page with Retry-After (RFC 8628 §5.1),
 * and a right code from another address (another phone, another session) still works; the QR
 * link is held to the same limits. And the confirm screen's "different network" warning, which
 * compares networks, not strings (issue 11.3). The portal runs behind a "trusted proxy"
 * (PAIRGATE_TRUST_PROXY=true), so each browser context and device can claim its own client
 * address with X-Forwarded-For.
 */
import { devices, type Browser, type BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalDefaults } from '../../src/portal/defaults';
import { chromiumAvailable, launchChromium } from '../support/browser';
import { DEMO_EMAIL, DEMO_PASSWORD, demoSignedInState, signIn, startDevice } from '../support/phone';
import { startPortal, type RunningPortal } from '../support/portal';

const run = chromiumAvailable('portal guessing limits end to end');

describe.skipIf(!run)('portal guessing limits (Chromium, Pixel 7, behind a trusted proxy)', () => {
  let portal: RunningPortal;
  let browser: Browser;

  /** The demo user's session: one real password sign-in for the suite, not one per phone. */
  let signedIn: BrowserContextOptions['storageState'];

  beforeAll(async () => {
    // The device polls every second (PAIRGATE_POLL_INTERVAL_SECONDS), so its approval is not a 5 s wait.
    [portal, browser] = await Promise.all([startPortal({ env: { PAIRGATE_TRUST_PROXY: 'true', PAIRGATE_POLL_INTERVAL_SECONDS: '1' } }), launchChromium()]);
    signedIn = await demoSignedInState(browser, portal.issuer);
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
  });

  /**
   * A signed-in phone whose requests come from `ip` (X-Forwarded-For, trusted here), on /activate:
   * with the suite's session, or a session of its own (the attacker's, whose guesses must not
   * hold back the other phones' session).
   */
  async function phoneAt(ip: string, options: { descriptor?: BrowserContextOptions; session?: 'shared' | 'own' } = {}) {
    const shared = (options.session ?? 'shared') === 'shared';
    const context = await browser.newContext({ ...(options.descriptor ?? devices['Pixel 7']), ...(shared ? { storageState: signedIn } : {}), extraHTTPHeaders: { 'X-Forwarded-For': ip } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${portal.issuer}/activate`);
    if (!shared) await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/activate');
    return { context, page };
  }

  it('5. wrong codes past the limit → 429 page; then a right code from another IP still works', async () => {
    const d = await startDevice(portal.issuer, { deviceName: 'Lobby screen' });
    const right = d.authorization.user_code;
    const attacker = await phoneAt('203.0.113.66', { session: 'own' });

    const submit = async (code: string) => {
      // After a 429 the page shows no form (its URL is still /activate, from the POST): load it again.
      if ((await attacker.page.locator('input[name=user_code]').count()) === 0) await attacker.page.goto(`${portal.issuer}/activate`);
      await attacker.page.locator('input[name=user_code]').fill(code);
      const [response] = await Promise.all([
        attacker.page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/activate'),
        attacker.page.locator('form[data-form=activate] button[type=submit]').click(),
      ]);
      await attacker.page.waitForLoadState();
      return response;
    };

    // The limits are sliding-window counters over fixed minute windows (src/limits/rate-limit.ts):
    // right after a minute boundary the previous minute's guesses count a little less at once,
    // so five guesses straddling a boundary would leave room for a sixth (the documented slack,
    // at most 2 × 5 in any minute). The guesses below take a few seconds: start them in a minute
    // with room to spare, and the limit is exact.
    const { windowMs } = portalDefaults.limits.codePerSession;
    const leftInWindow = windowMs - (Date.now() % windowMs);
    if (leftInWindow < 20_000) await new Promise((resolve) => setTimeout(resolve, leftInWindow + 100));

    // Five wrong codes (a valid shape, so each is a real guess): each is answered with the form again.
    for (const wrong of ['BBBB-BBBB', 'CCCC-CCCC', 'DDDD-DDDD', 'FFFF-FFFF', 'GGGG-GGGG']) {
      expect(wrong).not.toBe(right);
      const response = await submit(wrong);
      expect(response.status()).toBe(303);
      expect(await attacker.page.locator('.notice.error').textContent()).toContain('That code is not valid');
    }
    // Past the limit: 429, a human page, Retry-After — even for the right code. The page says
    // how long, in the units a person reads ("51 seconds", "2 minutes"), never less than the header.
    for (const code of ['HHHH-HHHH', right]) {
      const response = await submit(code);
      expect(response.status()).toBe(429);
      const retryAfter = Number(response.headers()['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      const said = /You can try again in (\d+) (second|seconds|minute|minutes)\./.exec((await attacker.page.locator('main').textContent()) ?? '');
      expect(said, 'the wait on the page').not.toBeNull();
      const [, amount, unit] = said!;
      if (unit!.startsWith('second')) expect(Number(amount)).toBe(retryAfter);
      else expect(Number(amount)).toBe(Math.ceil(retryAfter / 60));
      expect(unit!.endsWith('s')).toBe(Number(amount) !== 1);
    }
    // The QR link is a way to enter a code too: blocked alike, it stays on the form with the wait.
    await attacker.page.goto(d.authorization.verification_uri_complete!);
    expect(new URL(attacker.page.url()).pathname).toBe('/activate');
    expect(await attacker.page.locator('.notice.error').textContent()).toMatch(/You can try again in \d+ (second|seconds|minute|minutes)\./);
    expect(await attacker.page.locator('input[name=user_code]').inputValue()).toBe(right);
    expect(d.flow.getState().status).toBe('waiting');

    // Another phone on another network: the right code works, with the different-network warning.
    const phone = await phoneAt('198.51.100.20');
    await phone.page.locator('input[name=user_code]').fill(right);
    await phone.page.locator('form[data-form=activate] button[type=submit]').click();
    await phone.page.waitForURL((u) => u.pathname === '/activate/confirm');
    expect(await phone.page.locator('.notice.warning').textContent()).toBe(
      'This request came from a different network than the one you are on. Only continue if the device is in front of you.',
    );
    await phone.page.locator('button[name=decision][value=approve]').click();
    await phone.page.waitForURL((u) => u.pathname === '/activate/done');
    expect((await d.result).status).toBe('approved');

    // A client-sent X-Forwarded-For cannot hide the real address from a portal that does not trust proxies:
    // that is covered by the default portal (PAIRGATE_TRUST_PROXY unset) in portal-flow.test.ts, where
    // every context is 127.0.0.1.
    await attacker.context.close();
    await phone.context.close();
  }, 90_000);

  const smallPhone = { ...devices['Pixel 7'], viewport: { width: 360, height: 640 }, screen: { width: 360, height: 640 } };

  it('the different-network warning compares networks: 127.0.0.1 vs ::1 none; 192.0.2.1 vs 198.51.100.1 warned, Approve still in view at 360×640', async () => {
    // One machine, two spellings of loopback: the device's own address (this process), the phone as ::1.
    const local = await startDevice(portal.issuer, { deviceName: 'Desk screen' });
    const samePlace = await phoneAt('::1', { descriptor: smallPhone });
    await samePlace.page.goto(local.authorization.verification_uri_complete!);
    await samePlace.page.waitForURL((u) => u.pathname === '/activate/confirm');
    expect(await samePlace.page.locator('.notice.warning').count()).toBe(0);
    expect(await samePlace.page.locator('.facts div', { hasText: 'Network' }).textContent()).toBe('NetworkThe same as this phone');

    // Two networks.
    const remote = await startDevice(portal.issuer, { deviceName: 'Far screen', headers: { 'X-Forwarded-For': '192.0.2.1' } });
    const elsewhere = await phoneAt('198.51.100.1', { descriptor: smallPhone });
    await elsewhere.page.goto(remote.authorization.verification_uri_complete!);
    await elsewhere.page.waitForURL((u) => u.pathname === '/activate/confirm');
    expect(await elsewhere.page.locator('.notice.warning').textContent()).toContain('different network');
    expect(await elsewhere.page.locator('.facts div', { hasText: 'Network' }).textContent()).toBe('NetworkNot the same as this phone');
    // The warning sits above the buttons, and they are still on the first screen.
    const warning = (await elsewhere.page.locator('.notice.warning').boundingBox())!;
    for (const value of ['approve', 'deny']) {
      const button = (await elsewhere.page.locator(`button[value=${value}]`).boundingBox())!;
      expect(button.y).toBeGreaterThan(warning.y);
      expect(button.y + button.height).toBeLessThanOrEqual(640);
    }
    local.cancel();
    remote.cancel();
    await samePlace.context.close();
    await elsewhere.context.close();
  }, 60_000);
});
