// How the portal's Node entry points are compiled, shared by its builds (build-server.mjs:
// dist/server.js and dist/admin.js; bench/build.ts: the benchmarks' servers, compiled the same way).
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Modules find files next to themselves with `import.meta.url` (server.ts: the Next.js app
 * directory; env.ts: the default data directory). Bundled into `outDir`, that URL would be the
 * bundle's for all of them, so each module's own URL is kept: its source location, relative to
 * the bundle.
 */
export function keepModuleUrls(outDir) {
  return {
    name: 'keep-module-urls',
    setup(build) {
      build.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        if (args.path.split(path.sep).includes('node_modules')) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const fromBundle = path.relative(outDir, args.path).split(path.sep).join('/');
        return {
          contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
          loader: path.extname(args.path).slice(1),
        };
      });
    },
  };
}

/**
 * esbuild's options for Node entry points (`{ name: source }`) of the checkout at
 * `absWorkingDir`, written to `outdir`: one ESM bundle each for Node 20, packages loaded from
 * node_modules at run time, each module's `import.meta.url` kept (above).
 */
export function serverBuildOptions({ absWorkingDir, entryPoints, outdir }) {
  return {
    absWorkingDir,
    entryPoints,
    outdir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    jsx: 'automatic',
    plugins: [keepModuleUrls(outdir)],
    logLevel: 'warning',
  };
}
