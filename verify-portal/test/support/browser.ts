import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium; never Playwright's own download (our machines cannot fetch it). The headless
 * shell (`apt-get install chromium-headless-shell`) comes first when installed: the same engine
 * without the desktop browser around it, which is what Playwright itself runs for headless tests,
 * at half the CPU (portal-flow: 71 → 34 CPU-seconds, Chromium's share 54 → 18).
 */
const INSTALLED_CHROMIUMS = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'];
export const CHROMIUM_PATH = process.env.PAIRGATE_CHROMIUM || (INSTALLED_CHROMIUMS.find((file) => existsSync(file)) ?? '/usr/bin/chromium');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Whether browser suites can run. Locally a missing Chromium skips them with a line saying how
 * to enable them; under CI=true it throws, so CI can never pass by skipping.
 */
export function chromiumAvailable(suite: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true') throw new Error(`${suite} needs Chromium under CI: ${CHROMIUM_PATH} does not exist.`);
  console.warn(`[skip] ${suite}: install Chromium (apt-get install chromium-headless-shell, or chromium) or set PAIRGATE_CHROMIUM=/path/to/chromium to run it.`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}
