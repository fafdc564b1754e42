/**
 * Builds the device app into dist/ (gitignored):
 *   dist/renderer/  index.html + app.js + app.css — the React renderer, for Electron and the web host
 *   dist/electron/  main.cjs + preload.cjs — Electron main and the sandboxed preload
 * `npm run build -w @pairgate/device-app`, or `build()` from tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { contentSecurityPolicy, indexHtml } from '../src/index-html';

export const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = path.join(appDir, 'dist');
export const rendererDir = path.join(distDir, 'renderer');
const electronDir = path.join(distDir, 'electron');

export async function build(options: { quiet?: boolean } = {}): Promise<void> {
  const common = { bundle: true, minify: true, legalComments: 'none', logLevel: options.quiet ? 'error' : 'warning', absWorkingDir: appDir } as const;
  await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: { app: 'src/renderer/main.tsx' },
      outdir: rendererDir,
      platform: 'browser',
      format: 'iife', // not an ES module: module scripts do not load from file:// in Electron
      target: ['es2020', 'chrome90'], // TV web runtimes lag behind desktop browsers
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
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
  mkdirSync(rendererDir, { recursive: true });
  // Electron loads the page from file://: the CSP goes in a meta tag, and the page calls no one.
  writeFileSync(path.join(rendererDir, 'index.html'), indexHtml({ cspMeta: contentSecurityPolicy([]) }));
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
