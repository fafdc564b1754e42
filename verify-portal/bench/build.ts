/**
 * The servers the benchmarks start, compiled the way production compiles the portal
 * (scripts/build-server.mjs: esbuild, ESM, node20, packages external, module URLs kept) into
 * bench/dist/: the portal (bench/portal-server.ts, i.e. server.ts with the bench-only settings),
 * the oidc-provider baseline and the bare-Node floor. Run as plain `node`, like `npm run portal`:
 * under tsx every function would also pay for esbuild's keep-names wrapper, which production
 * does not.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { serverBuildOptions } from '../scripts/server-build.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(benchDir, 'dist');

export interface BenchBuild {
  portalServer: string;
  baselineServer: string;
  floorServer: string;
  /** BENCH_COMPARE=<verify-portal directory of another checkout>: that version's portal, for before/after runs. */
  comparedPortalServer?: string;
}

/** The other checkout's verify-portal (a `git worktree` of an earlier commit), if any. */
const comparedDir = process.env.BENCH_COMPARE ? path.resolve(process.env.BENCH_COMPARE) : undefined;

let built: Promise<BenchBuild> | undefined;

/** Compiles the servers once per process (a fraction of a second). */
export function buildServers(): Promise<BenchBuild> {
  built ??= esbuild
    .build(
      serverBuildOptions({
        absWorkingDir: path.dirname(benchDir),
        entryPoints: {
          'portal-server': path.join(benchDir, 'portal-server.ts'),
          'baseline-server': path.join(benchDir, 'baseline-server.ts'),
          'floor-server': path.join(benchDir, 'floor-server.ts'),
        },
        outdir: outDir,
      }),
    )
    .then(
      async () => ({
        portalServer: path.join(outDir, 'portal-server.js'),
        baselineServer: path.join(outDir, 'baseline-server.js'),
        floorServer: path.join(outDir, 'floor-server.js'),
        ...(comparedDir ? { comparedPortalServer: await buildCompared(comparedDir) } : {}),
      }),
      (err: unknown) => {
        throw new Error(`could not compile the servers: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  return built;
}

/**
 * The other checkout's bench/portal-server.ts, compiled the same way into bench/dist/ here (so
 * its packages load from this node_modules); its own module URLs are kept, so its server.ts
 * looks for the Next.js build in that checkout (a symlink to this one's `.next` will do: the
 * benchmarks measure the OAuth endpoints).
 */
async function buildCompared(dir: string): Promise<string> {
  const out = path.join(outDir, 'compared');
  await esbuild.build(serverBuildOptions({ absWorkingDir: dir, entryPoints: { 'portal-server': path.join(dir, 'bench', 'portal-server.ts') }, outdir: out }));
  return path.join(out, 'portal-server.js');
}
