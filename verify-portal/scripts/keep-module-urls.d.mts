import type { Plugin } from 'esbuild';

/** See keep-module-urls.mjs. */
export function keepModuleUrls(outDir: string): Plugin;
