/**
 * The "Sign in with your browser" screen as Electron shows it: the built renderer page from
 * file://, with the preload's `window.pairgate` stubbed (test/support/fake-preload.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../verify-portal/test/support/browser';
import type { ViewState } from '../../src/core/view-state';
import { openWithFakePreload } from '../support/fake-preload';
import { axeViolations, ensureBuilt, screenshot } from '../support/kiosk';

describe.skipIf(!chromiumAvailable('desktop sign-in screen'))('the "Sign in with your browser" screen (renderer, Electron API stubbed)', () => {
  let browser: Browser;
  let tab: Page;
  let push: (state: ViewState) => Promise<void>;
  let commands: () => Promise<string[]>;

  beforeAll(async () => {
    [browser] = await Promise.all([launchChromium(), ensureBuilt()]);
    tab = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    ({ push, commands } = await openWithFakePreload(tab, { screen: 'browser-sign-in', status: 'ready', failure: null, notice: null }));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('offers the button, then Cancel while the browser is open, then says what went wrong — accessibly', async () => {
    await tab.getByRole('heading', { name: 'Sign in with your browser' }).waitFor();
    expect(await tab.title()).toBe('Sign in with your browser — Pairgate');
    await tab.getByRole('button', { name: 'Sign in with your browser' }).click();
    expect(await commands()).toEqual(['sign-in']);
    expect(await axeViolations(tab)).toEqual([]);
    await screenshot(tab, 'desktop-ready-1280x720');

    await push({ screen: 'browser-sign-in', status: 'waiting', failure: null, notice: null });
    await expect.poll(() => tab.getByTestId('status').textContent()).toContain('Continue in your browser');
    await tab.getByRole('button', { name: 'Cancel' }).click();
    expect(await commands()).toEqual(['sign-in', 'cancel']);
    await screenshot(tab, 'desktop-waiting-1280x720');

    await push({ screen: 'browser-sign-in', status: 'failed', failure: 'state-mismatch', notice: null });
    const alert = tab.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('doesn’t belong to this sign-in');
    expect(await axeViolations(tab)).toEqual([]);
    await screenshot(tab, 'desktop-failed-1280x720');
    await tab.getByRole('button', { name: 'Try again' }).click();
    expect(await commands()).toEqual(['sign-in', 'cancel', 'sign-in']);

    // Then the same signed-in screen as the kiosk.
    await push({ screen: 'signed-in', name: 'Demo User', signingOut: false, notice: null, devices: null });
    await tab.getByText('Demo User').waitFor();
    // "Your devices" as main sends it: names only, this one marked, the rest counted.
    await push({
      screen: 'signed-in',
      name: 'Demo User',
      signingOut: false,
      notice: null,
      devices: {
        status: 'ready',
        items: [
          { name: 'Pairgate desktop', app: null, current: true },
          { name: 'Living room TV', app: 'Pairgate TV', current: false },
          { name: 'A very long device name that someone typed into their kiosk config file once', app: 'Pairgate TV', current: false },
        ],
        more: 4,
      },
    });
    await tab.getByRole('heading', { name: 'Your devices' }).waitFor();
    expect(await tab.getByRole('listitem').count()).toBe(3);
    expect(await tab.getByText('and 4 more').isVisible()).toBe(true);
    const last = await tab.getByRole('listitem').last().boundingBox();
    expect((last?.x ?? 0) + (last?.width ?? 0)).toBeLessThanOrEqual(1280 * 0.95 + 1); // ellipsised, not overflowing
    expect(await axeViolations(tab)).toEqual([]);
    await screenshot(tab, 'desktop-signed-in-1280x720');
    // The list could not be loaded: a quiet note, the screen otherwise the same.
    await push({ screen: 'signed-in', name: 'Demo User', signingOut: false, notice: null, devices: { status: 'unavailable' } });
    await tab.getByText('Your devices can’t be shown right now.').waitFor();
    expect(await axeViolations(tab)).toEqual([]);
    await tab.getByRole('button', { name: 'Sign out' }).click();
    expect((await commands()).at(-1)).toBe('sign-out');
  });
});
