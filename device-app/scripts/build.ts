/**
 * Builds the device app into dist/ (gitignored):
 *   dist/renderer/  index.html + app.js + app.css — the renderer (Preact's React-compatible layer
 *                   by default), for Electron and the web host; app.js/app.css also as .br and .gz
 *                   for the web host to send compressed; first-screen.mjs, the web host's server
 *                   render of the first screen
 *   dist/electron/  main.cjs + preload.cjs — Electron main and the sandboxed preload
 * `npm run build -w @pairgate/device-app`, or `build()` from tests.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { contentSecurityPolicy, indexHtml } from '../src/index-html';
import { COMPRESSED_FILES, FIRST_SCREEN_MODULE } from '../src/web-server';

export const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = path.join(appDir, 'dist');
export const rendererDir = path.join(distDir, 'renderer');
const electronDir = path.join(distDir, 'electron');

/** What renders the screens: React, or Preact through its React-compatible layer (same components). */
export type RendererRuntime = 'react' | 'preact';

/** `preact/compat` in place of React: the same components in a fraction of the bytes to download and parse. */
const PREACT_ALIASES = {
  react: 'preact/compat',
  'react-dom': 'preact/compat',
  'react-dom/client': 'preact/compat/client',
  'react-dom/server': 'preact-render-to-string',
  'react/jsx-runtime': 'preact/jsx-runtime',
};

export interface BuildOptions {
  quiet?: boolean;
  runtime?: RendererRuntime;
  /** Where the renderer goes (default dist/renderer); the bench builds each runtime apart. */
  rendererOut?: string;
  /** Write .br and .gz copies for the web host to send (default true; the bench measures without). */
  compress?: boolean;
}

export async function build(options: BuildOptions = {}): Promise<void> {
  const common: esbuild.BuildOptions = {
    bundle: true,
    minify: true,
    legalComments: 'none',
    logLevel: options.quiet ? 'error' : 'warning',
    absWorkingDir: appDir,
    // @pairgate/shared from its TypeScript source, like the tests: never a stale dist/.
    conditions: ['@pairgate/source'],
  };
  const out = options.rendererOut ?? rendererDir;
  const renderer: esbuild.BuildOptions = {
    ...common,
    ...((options.runtime ?? 'preact') === 'preact' ? { alias: PREACT_ALIASES } : {}),
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
  };
  await Promise.all([
    esbuild.build({
      ...renderer,
      entryPoints: { app: 'src/renderer/main.tsx' },
      outdir: out,
      platform: 'browser',
      format: 'iife', // not an ES module: module scripts do not load from file:// in Electron
      target: ['es2020', 'chrome90'], // TV web runtimes lag behind desktop browsers
    }),
    // The web host's server render of the first screen, with the same components.
    esbuild.build({
      ...renderer,
      entryPoints: ['src/renderer/first-screen.tsx'],
      outfile: path.join(out, FIRST_SCREEN_MODULE),
      // The packages' browser builds — the same code as the page's, and nothing Node-only (qrcode's
      // Node build requires `fs`, which an ES module cannot): Node imports it as plain ESM.
      platform: 'browser',
      format: 'esm',
      target: 'node20',
    }),
    esbuild.build({
      ...common,
      entryPoints: ['src/main/entry.ts'],
      outfile: path.join(electronDir, 'main.cjs'),
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['electron'],
    }),
    esbuild.build({
      ...common,
      entryPoints: ['src/preload/index.ts'],
      outfile: path.join(electronDir, 'preload.cjs'),
      // A sandboxed preload may require only `electron` (and a few polyfilled modules).
      platform: 'browser',
      format: 'cjs',
      target: 'chrome120',
      external: ['electron'],
    }),
  ]);
  mkdirSync(out, { recursive: true });
  // Electron loads the page from file://: the CSP goes in a meta tag, and the page calls no one.
  writeFileSync(path.join(out, 'index.html'), indexHtml({ cspMeta: contentSecurityPolicy([]) }));
  // Compressed once here, at the highest levels, rather than per request.
  for (const file of options.compress === false ? [] : COMPRESSED_FILES) {
    const raw = readFileSync(path.join(out, file));
    writeFileSync(path.join(out, `${file}.br`), brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }));
    writeFileSync(path.join(out, `${file}.gz`), gzipSync(raw, { level: constants.Z_BEST_COMPRESSION }));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  build().then(
    () => console.log(`[pairgate] device app built in ${Math.round(performance.now() - started)} ms → ${path.relative(process.cwd(), distDir) || 'dist'}`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
