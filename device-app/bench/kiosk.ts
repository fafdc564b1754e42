/**
 * `npm run bench -w @pairgate/device-app`: how long a kiosk takes from opening its page to showing
 * the code and the QR, in Chromium, against a real portal process — and how many bytes its
 * bundle is. Each run is a fresh browser context (nothing cached: a kiosk that has just booted).
 * Four builds are compared, so each change shows on its own:
 *
 *   before     React, uncompressed, the page asks for the code itself (how the kiosk shipped)
 *   compressed React, brotli/gzip, the page asks for the code
 *   preact     Preact's compat layer, brotli/gzip, the page asks for the code
 *   shipped    Preact, brotli/gzip, the web host puts the first code in the page, rendered
 *
 * "Visible" is the first animation frame after both `.code` (with text) and the QR's path are in
 * the document, in the page's own clock from navigation start. Prints one JSON object on stdout;
 * progress on stderr. PAIRGATE_BENCH_RUNS sets the runs per build (default 25, at least 20).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../verify-portal/test/support/browser';
import { startPortal, type RunningPortal } from '../../verify-portal/test/support/portal';
import { build, type RendererRuntime } from '../scripts/build';
import { startWebServer } from '../src/web-server';

interface Variant {
  name: string;
  what: string;
  runtime: RendererRuntime;
  compress: boolean;
  firstCode: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'before', what: 'React, uncompressed, the page asks for the code', runtime: 'react', compress: false, firstCode: false },
  { name: 'compressed', what: 'React, brotli/gzip, the page asks for the code', runtime: 'react', compress: true, firstCode: false },
  { name: 'preact', what: 'Preact compat, brotli/gzip, the page asks for the code', runtime: 'preact', compress: true, firstCode: false },
  { name: 'shipped', what: 'Preact compat, brotli/gzip, the first code rendered into the page by the web host', runtime: 'preact', compress: true, firstCode: true },
];

/** The portal issues one device code a second per network after a burst of 30 (verify-portal/src/defaults.ts). */
const RUN_SPACING_MS = 1_100;
const GOAL_P50_MS = 1_000;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function runsSetting(): number {
  const raw = process.env.PAIRGATE_BENCH_RUNS;
  const runs = raw === undefined || raw === '' ? 25 : Number(raw);
  if (!Number.isInteger(runs) || runs < 20) throw new Error(`PAIRGATE_BENCH_RUNS must be a whole number of at least 20, not "${raw}"`);
  return runs;
}

/** R-7 quantile (linear between the nearest ranks, as NumPy). */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = sorted[Math.floor(pos)] ?? NaN;
  const hi = sorted[Math.ceil(pos)] ?? NaN;
  return Math.round(lo + (hi - lo) * (pos - Math.floor(pos)));
}

function bundleBytes(dir: string): { raw: number; gzip: number; brotli: number } {
  const js = readFileSync(path.join(dir, 'app.js'));
  const css = readFileSync(path.join(dir, 'app.css'));
  const sum = (f: (b: Buffer) => number) => f(js) + f(css);
  return {
    raw: sum((b) => b.length),
    gzip: sum((b) => gzipSync(b, { level: constants.Z_BEST_COMPRESSION }).length),
    brotli: sum((b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }).length),
  };
}

/** Resolves, in the page's clock, at the first frame with the code and the QR in the document. */
const WATCH_FOR_CODE = `
  window.__pairgateCodeVisible = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const code = document.querySelector('.code');
      if (!code || !code.textContent || !document.querySelector('.qr svg path')) return;
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now()));
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  });
`;

async function measure(browser: Browser, portal: RunningPortal, variant: Variant, runs: number, root: string) {
  const dir = path.join(root, variant.name);
  await build({ quiet: true, runtime: variant.runtime, compress: variant.compress, rendererOut: dir });
  const kiosk = await startWebServer({
    config: { issuer: portal.issuer, clientId: 'tv-kiosk', scope: 'openid profile offline_access', deviceName: 'Bench screen', deviceModel: 'Pairgate bench' },
    port: 0,
    host: '127.0.0.1',
    rendererDir: dir,
    firstCode: variant.firstCode,
    log: () => undefined,
  });
  const times: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const started = Date.now();
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      await context.addInitScript(WATCH_FOR_CODE);
      const page = await context.newPage();
      await page.goto(kiosk.url, { waitUntil: 'commit' });
      times.push(await page.evaluate(() => (window as unknown as { __pairgateCodeVisible: Promise<number> }).__pairgateCodeVisible));
      await context.close();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, RUN_SPACING_MS - (Date.now() - started))));
    }
  } finally {
    await kiosk.close();
  }
  const result = {
    name: variant.name,
    what: variant.what,
    codeVisibleMs: { p50: quantile(times, 0.5), p95: quantile(times, 0.95), min: Math.round(Math.min(...times)), max: Math.round(Math.max(...times)) },
    bundleBytes: bundleBytes(dir),
  };
  log(`${variant.name}: p50 ${result.codeVisibleMs.p50} ms, p95 ${result.codeVisibleMs.p95} ms (${variant.what})`);
  return result;
}

async function main(): Promise<void> {
  const runs = runsSetting();
  const root = mkdtempSync(path.join(tmpdir(), 'pairgate-kiosk-bench-'));
  log(`starting the portal and Chromium; ${runs} runs for each of ${VARIANTS.length} builds`);
  const [portal, browser] = await Promise.all([startPortal(), launchChromium()]);
  try {
    const results = [];
    for (const variant of VARIANTS) results.push(await measure(browser, portal, variant, runs, root));
    const shipped = results.at(-1);
    console.log(
      JSON.stringify(
        {
          bench: 'kiosk page open → code + QR visible (Chromium, real portal, cold cache)',
          runs,
          variants: results,
          goal: { p50Ms: GOAL_P50_MS, met: shipped !== undefined && shipped.codeVisibleMs.p50 <= GOAL_P50_MS },
        },
        null,
        2,
      ),
    );
  } finally {
    await browser.close();
    await portal.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
