import type { BuildOptions, Plugin } from 'esbuild';

/** See server-build.mjs. */
export function keepModuleUrls(outDir: string): Plugin;

/** See server-build.mjs. */
export function serverBuildOptions(options: { absWorkingDir: string; entryPoints: Record<string, string>; outdir: string }): BuildOptions;
