/**
 * The kiosk's pairing screen in states a live server rarely produces on cue — the server away
 * with a code on screen, and a sign-out the server could not be told of — at both TV sizes:
 * everything inside the 5 % safe area, nothing cut off. The built renderer from file:// with the
 * preload stubbed (test/support/fake-preload.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../verify-portal/test/support/browser';
import type { ViewState } from '../../src/core/view-state';
import { openWithFakePreload } from '../support/fake-preload';
import { axeViolations, decodeQr, ensureBuilt, screenshot } from '../support/kiosk';

const code = {
  userCode: 'WDJB-MJHT',
  spokenCode: 'W D J B, M J H T',
  verificationUri: 'https://login.example.com/activate',
  qrUri: 'https://login.example.com/activate?user_code=WDJBMJHT',
  qrIncludesCode: true,
  expiresAt: Date.now() + 9 * 60_000,
};

/**
 * Signed out while the server is away: no code to show yet (the status says so, large), and the
 * notice that the server could not be told. Then the server answers and a code comes, the notice
 * staying under it.
 */
const offline: ViewState = { screen: 'pairing', status: 'reconnecting', code: null, match: null, failure: null, notice: 'sign-out-offline' };
const offlineWithCode: ViewState = { ...offline, code };
/** Number matching: the phone, on another network, asks which of three numbers this screen shows. */
const matching: ViewState = { screen: 'pairing', status: 'opened', code, match: '42', failure: null, notice: null };

describe.skipIf(!chromiumAvailable('kiosk screen'))('the pairing screen in states a server rarely gives on cue (renderer, preload stubbed)', () => {
  let browser: Browser;

  beforeAll(async () => {
    [browser] = await Promise.all([launchChromium(), ensureBuilt()]);
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Every element present inside the 5 % safe area, and none clipped by a box too small for its text. */
  async function expectInsideSafeArea(tab: Page, selectors: string[], width: number, height: number) {
    for (const selector of selectors) {
      const box = await tab.locator(selector).boundingBox();
      expect(box, selector).not.toBeNull();
      if (!box) continue;
      expect(box.x, selector).toBeGreaterThanOrEqual(width * 0.05 - 1);
      expect(box.y, selector).toBeGreaterThanOrEqual(height * 0.05 - 1);
      expect(box.x + box.width, selector).toBeLessThanOrEqual(width * 0.95 + 1);
      expect(box.y + box.height, selector).toBeLessThanOrEqual(height * 0.95 + 1);
    }
  }

  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    it(`fits ${width}×${height}: the offline notice under the status, then under the code, inside the safe area`, async () => {
      const tab = await browser.newPage({ viewport: { width, height } });
      const { push } = await openWithFakePreload(tab, offline);
      await tab.getByText('Reconnecting…').waitFor();
      await screenshot(tab, `offline-notice-${width}x${height}`);
      await expectInsideSafeArea(tab, ['.title', '.status', '.notice'], width, height);
      expect(await axeViolations(tab)).toEqual([]);

      await push(offlineWithCode);
      await tab.locator('.code').waitFor();
      const png = await screenshot(tab, `offline-notice-code-${width}x${height}`);
      expect(decodeQr(png)).toBe(code.qrUri);
      await expectInsideSafeArea(tab, ['.title', '.qr', '.code', '.url', '.countdown', '.status', '.status .detail', '.notice'], width, height);
      expect(await axeViolations(tab)).toEqual([]);
      await tab.close();
    });

    it(`fits ${width}×${height}: the number to pick, large beside the code, with its line, inside the safe area`, async () => {
      const tab = await browser.newPage({ viewport: { width, height } });
      await openWithFakePreload(tab, matching);
      await tab.locator('.match').waitFor();
      const png = await screenshot(tab, `number-match-${width}x${height}`);
      expect(decodeQr(png)).toBe(code.qrUri);
      expect(await tab.locator('.match-number').textContent()).toBe('42');
      expect(await tab.locator('.match-line').textContent()).toBe('Pick 42 on your phone');
      await expectInsideSafeArea(tab, ['.title', '.qr', '.code', '.match', '.url', '.countdown', '.status'], width, height);
      // Beside the code (same row), and the largest text on the screen: read from across the room.
      const [codeBox, numberBox] = await Promise.all([tab.locator('.code').boundingBox(), tab.locator('.match-number').boundingBox()]);
      expect(numberBox!.x).toBeGreaterThan(codeBox!.x + codeBox!.width);
      expect(numberBox!.y).toBeLessThan(codeBox!.y + codeBox!.height);
      expect(numberBox!.height).toBeGreaterThanOrEqual(height * 0.15);
      // The code is still whole: nothing overflows its box.
      expect(await tab.locator('.code').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      expect(await axeViolations(tab)).toEqual([]);
      await tab.close();
    });
  }
});
