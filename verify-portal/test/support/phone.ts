import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DeviceFlow, discover, type AuthorizationServerMetadata, type DeviceAuthorizationResponse, type DeviceFlowResult, type DeviceFlowState } from '@pairgate/shared';
import { devices, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/** The demo account `npm start` seeds (see src/admin/demo.ts). */
export const DEMO_EMAIL = 'demo@example.com';
export const DEMO_PASSWORD = 'pairgate-demo';

export interface ApproveOnPhoneOptions {
  /** The device's `verification_uri_complete` (`…/activate?user_code=…`), as in its QR code. */
  url: string;
  /** Signs in with these when the portal asks; default the demo user. */
  email?: string;
  password?: string;
  decision?: 'approve' | 'deny';
  /** How long to wait for each page; default 15 s. */
  timeoutMs?: number;
}

/**
 * Plays the person with the phone, for other packages' end-to-end tests (the kiosk): opens the
 * QR link in `context` (e.g. `browser.newContext({ ...devices['Pixel 7'] })`), signs in if the
 * portal asks, lands on the confirm screen, and approves (or denies) there. Resolves once the
 * result page is shown; the page is closed afterwards.
 *
 * Form contract (stable; the portal's e2e tests use the same names):
 *   /login            input[name=email], input[name=password], button[type=submit]
 *   /activate         input[name=user_code], button[type=submit] (typing a code; the QR link skips it)
 *   /activate/confirm button[name=decision][value=approve|deny], or under number matching
 *                     button[name=number][value=NN] (three choices)
 *   result page       /activate/done, with [data-result=approved|denied|expired|…]
 */
export async function approveOnPhone(context: BrowserContext, options: ApproveOnPhoneOptions): Promise<void> {
  const page = await openConfirmOnPhone(context, options);
  try {
    await decideOnPhone(page, options.decision ?? 'approve');
  } finally {
    await page.close();
  }
}

/**
 * The first half of `approveOnPhone`: opens the QR link, signs in if asked, and stops on the
 * confirm screen (which tells the device `opened`). The caller decides with `decideOnPhone`
 * and closes the page.
 */
export async function openConfirmOnPhone(context: BrowserContext, options: Omit<ApproveOnPhoneOptions, 'decision'>): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs ?? 15_000);
  try {
    await goToConfirm(page, options);
    return page;
  } catch (err) {
    await page.close();
    throw err;
  }
}

/** The same steps on a page the caller already has (e.g. one that watches the console). */
export async function goToConfirm(page: Page, options: Pick<ApproveOnPhoneOptions, 'url' | 'email' | 'password'>): Promise<void> {
  await page.goto(options.url);
  if (new URL(page.url()).pathname === '/login') {
    await signIn(page, options.email ?? DEMO_EMAIL, options.password ?? DEMO_PASSWORD);
  }
  // Signed in, /activate?user_code=… goes straight to the confirm screen, which decides nothing
  // by itself (RFC 8628 §5.4): the person approves there.
  await page.waitForURL((u) => u.pathname === '/activate/confirm');
}

/** Presses Approve or Deny on the confirm screen and waits for the result page. */
export async function decideOnPhone(page: Page, decision: 'approve' | 'deny'): Promise<void> {
  await page.locator(`button[name=decision][value=${decision}]`).click();
  await page.waitForURL((u) => u.pathname === '/activate/done');
  await page.locator('[data-result]').waitFor();
}

/**
 * A phone of its own (a Pixel 7 context) signed in as the demo user. `headers` go with every
 * request: `X-Forwarded-For` to a portal that trusts its proxy puts the phone on that network.
 */
export async function signedInPhone(browser: Browser, issuer: string, headers: Record<string, string> = {}): Promise<Page> {
  const context = await browser.newContext({ ...devices['Pixel 7'], extraHTTPHeaders: headers });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${issuer}/activate`);
  await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
  return page;
}

/** The numbers the confirm screen offers under number matching, in the order shown. */
export function numberChoices(page: Page): Promise<string[]> {
  return page.locator('button[name=number]').evaluateAll((buttons) => buttons.map((b) => (b as HTMLButtonElement).value));
}

/** Picks `number` on the confirm screen; resolves with the result page's outcome (`approved`, `wrong-number`). */
export async function pickNumberOnPhone(page: Page, number: string): Promise<string | null> {
  await page.locator(`button[name=number][value="${number}"]`).click();
  await page.waitForURL((u) => u.pathname === '/activate/done');
  return page.locator('[data-result]').getAttribute('data-result');
}

/** Fills and submits the sign-in form on the current page (which must be /login). */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== '/login'),
    page.locator('form[data-form=login] button[type=submit]').click(),
  ]);
}

/**
 * One real password sign-in as the demo user on a Pixel 7, kept as Playwright storage state: suites
 * whose cases start signed in open their contexts with it instead of paying the password's full
 * hashing cost per case.
 */
export async function demoSignedInState(browser: Browser, issuer: string): Promise<BrowserContextOptions['storageState']> {
  const context = await browser.newContext({ ...devices['Pixel 7'] });
  try {
    const page = await context.newPage();
    await page.goto(`${issuer}/login`);
    await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
    return await context.storageState();
  } finally {
    await context.close();
  }
}

// --- Helpers for the portal's own end-to-end suites ------------------------------------------

/** The demo kiosk client (see src/admin/demo.ts). */
export const KIOSK_CLIENT = { client_id: 'tv-kiosk' } as const;

export interface StartedDevice {
  flow: DeviceFlow;
  metadata: AuthorizationServerMetadata;
  /** The RFC 8628 §3.2 response the device shows (user code, verification URIs, interval). */
  authorization: DeviceAuthorizationResponse;
  /** Settles with the flow's terminal state. */
  result: Promise<DeviceFlowResult>;
  /**
   * Every token request (poll) the device has sent, in order; `answer` is set once answered:
   * the RFC 8628 §3.5 error (`authorization_pending`, …) or `tokens`. Lets a test say "at its
   * next poll" by counting polls instead of timing them.
   */
  polls: readonly DevicePoll[];
  cancel(): void;
}

export interface DevicePoll {
  answer?: string;
}

/**
 * Starts a device with the `DeviceFlow` driver of @pairgate/shared against the running portal,
 * and resolves once it shows its code (state `waiting`).
 */
export async function startDevice(
  issuer: string,
  options: {
    deviceName?: string;
    deviceModel?: string;
    scope?: string;
    /** Sent with every request, e.g. `X-Forwarded-For` to a portal that trusts it (a device on another network). */
    headers?: Record<string, string>;
  } = {},
): Promise<StartedDevice> {
  const portalFetch = (url: string, init: RequestInit) => fetch(url, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), ...options.headers } });
  const metadata = await discover(issuer, { fetch: portalFetch });
  const polls: DevicePoll[] = [];
  const recordingPolls = async (url: string, init: RequestInit) => {
    if (url !== metadata.token_endpoint) return portalFetch(url, init);
    const poll: DevicePoll = {};
    polls.push(poll);
    const response = await portalFetch(url, init);
    poll.answer = response.ok ? 'tokens' : String(((await response.clone().json()) as { error?: unknown }).error);
    return response;
  };
  const controller = new AbortController();
  const flow = new DeviceFlow({
    metadata,
    client: KIOSK_CLIENT,
    scope: options.scope ?? 'openid profile email offline_access',
    ...(options.deviceName ? { deviceName: options.deviceName } : {}),
    ...(options.deviceModel ? { deviceModel: options.deviceModel } : {}),
    fetch: recordingPolls,
  });
  const waiting = new Promise<DeviceAuthorizationResponse>((resolve, reject) => {
    const check = (state: DeviceFlowState) => {
      if (state.status === 'waiting') resolve(state.authorization);
      else if (state.status !== 'idle' && state.status !== 'requesting' && state.status !== 'reconnecting') reject(new Error(`device flow ended early: ${state.status}`));
    };
    flow.subscribe(check);
  });
  const result = flow.start(controller.signal);
  return { flow, metadata, authorization: await waiting, result, polls, cancel: () => controller.abort() };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page. Injected through the DevTools protocol (`page.evaluate`), which
 * the page's CSP does not govern, so the portal's CSP stays as strict as in production.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type AxeResult = { violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}
