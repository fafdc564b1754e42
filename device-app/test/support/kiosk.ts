/**
 * Helpers for the kiosk's browser suites: build once, serve the web host, read the QR out of a
 * screenshot, run axe, and watch the kiosk's own network traffic (how a test learns what the
 * server told the kiosk without any test-only hook in the app).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';
import type { Page, Response } from 'playwright-core';
import { PNG } from 'pngjs';
import { expect } from 'vitest';
import { build } from '../../scripts/build';
import type { ClientConfig } from '../../src/core/client-config';
import { startWebServer, type RunningWebServer } from '../../src/web-server';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifactsDir = path.join(appDir, 'test-artifacts');

let built: Promise<void> | undefined;
export function ensureBuilt(): Promise<void> {
  built ??= build({ quiet: true });
  return built;
}

/** The kiosk web host, and who is told of each device authorization it asks for (its pages' first codes). */
export interface RunningKiosk extends RunningWebServer {
  onDeviceAuthorization(listener: (body: Omit<SeenDeviceAuthorization, 'source'>) => void): () => void;
}

const isDeviceAuthorization = (url: URL) => /\/(oauth\/)?device(\/code|\/auth)?$/.test(url.pathname);

export async function startKiosk(config: Partial<ClientConfig> & { issuer: string }): Promise<RunningKiosk> {
  await ensureBuilt();
  const listeners = new Set<(body: Omit<SeenDeviceAuthorization, 'source'>) => void>();
  // The host asks for each page's first code itself: watch its requests as the page's are watched.
  const watched = async (url: string, init: RequestInit): Promise<globalThis.Response> => {
    const response = await fetch(url, init);
    if (init.method === 'POST' && isDeviceAuthorization(new URL(url)) && response.ok) {
      const body = (await response.clone().json()) as Omit<SeenDeviceAuthorization, 'source'>;
      for (const listener of listeners) listener(body);
    }
    return response;
  };
  const server = await startWebServer({
    config: { clientId: 'tv-kiosk', scope: 'openid profile offline_access', deviceName: 'Lobby screen', deviceModel: 'Pairgate e2e', ...config },
    port: 0,
    host: '127.0.0.1',
    fetch: watched,
  });
  // One page served before any test opens one: the host gives up on a page's first code after
  // 1.5 s (web-first-code.ts), and a just-started server's first discovery and device
  // authorization can take longer on a busy 2-core machine — the page would ask itself (source
  // 'page') and a test of the host's first code would fail for the machine's load. Nobody is
  // listening yet, so tests see only their own pages' codes. Cold-start speed is
  // `npm run bench -w @pairgate/device-app`'s to measure.
  await fetch(server.url);
  return {
    ...server,
    onDeviceAuthorization(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Decodes the one QR code in a PNG screenshot. */
export function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height)?.data;
}

export async function screenshot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(artifactsDir, { recursive: true });
  return page.screenshot({ path: path.join(artifactsDir, `${name}.png`) });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page (WCAG 2.x A/AA and best practices). */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string | null; nodes: string[] }[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

export interface SeenDeviceAuthorization {
  /** Who asked: the web host (the page's first code) or the page. */
  source: 'host' | 'page';
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  interval?: number;
}

/**
 * What the kiosk page received from the authorization server, as seen on the wire — with the
 * first code, which its web host asked for while sending the page. Response bodies arrive a
 * little after the response event (they are read asynchronously), so tests ask for the n-th one
 * and wait for it, never read the lists as they happen to be. Watch before opening the page.
 */
export function watchKioskTraffic(page: Page, issuer: string, kiosk: RunningKiosk) {
  const deviceAuthorizations: SeenDeviceAuthorization[] = [];
  const refreshTokens: string[] = [];
  const revocations: string[] = [];
  const unwatch = kiosk.onDeviceAuthorization((body) => deviceAuthorizations.push({ ...body, source: 'host' }));
  page.once('close', unwatch);
  page.on('response', (response: Response) => {
    const url = new URL(response.url());
    if (url.origin !== new URL(issuer).origin || response.request().method() !== 'POST') return;
    if (isDeviceAuthorization(url)) {
      void response.json().then((body: Omit<SeenDeviceAuthorization, 'source'>) => deviceAuthorizations.push({ ...body, source: 'page' }), () => undefined);
    } else if (url.pathname.endsWith('/token') && response.status() === 200) {
      void response.json().then((body: { refresh_token?: string }) => body.refresh_token && refreshTokens.push(body.refresh_token), () => undefined);
    } else if (url.pathname.includes('revo')) {
      revocations.push(response.request().postData() ?? '');
    }
  });
  return {
    /** How many device authorizations have been read so far (for "no more than n" checks). */
    deviceAuthorizationCount: () => deviceAuthorizations.length,
    /** The n-th device authorization response (1-based), once it has been read. */
    deviceAuthorization: (n: number) => nth(deviceAuthorizations, n, 'device authorization response'),
    /** The n-th refresh token the kiosk was issued. */
    refreshToken: (n: number) => nth(refreshTokens, n, 'refresh token'),
    /** The n-th revocation request's body. */
    revocation: (n: number) => nth(revocations, n, 'revocation request'),
  };
}

export type KioskTraffic = ReturnType<typeof watchKioskTraffic>;

async function nth<T>(list: readonly T[], n: number, what: string): Promise<T> {
  await expect.poll(() => list.length, { timeout: 10_000, message: `the kiosk's ${what} #${n}` }).toBeGreaterThanOrEqual(n);
  return list[n - 1] as T;
}

/** The code on the kiosk screen (the visible text, `XXXX-XXXX`). */
export async function shownCode(page: Page): Promise<string> {
  return (await page.locator('.code').textContent({ timeout: 15_000 })) ?? '';
}
