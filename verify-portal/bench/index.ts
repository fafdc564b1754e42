/**
 * `npm run bench`: runs the verify-portal benchmarks one after the other, each in its own process
 * (they pin their servers and load generators to cores themselves), and prints ONE JSON object
 * on stdout, `{ "throughput": <run.ts's object>, "push": <push.ts's object> }`; their human lines
 * go to stderr as they come. A part that was not run is `null`.
 *
 * BENCH_ONLY=throughput|push runs one part. (BENCH_ONLY=pairgate|baseline is handed to run.ts,
 * as before, and both parts run.) Every other setting goes to the parts unchanged: see README.md.
 * Exits 1 if a part could not measure (its key then holds `{ "error": … }`).
 */
import path from 'node:path';
import { benchDir, LOAD_CORE, log, portalDir, spawnTsx } from './processes';

type Part = 'throughput' | 'push';

const PARTS: Record<Part, { file: string; core: string | undefined }> = {
  // run.ts pins its servers and its load workers itself; its orchestrator stays unpinned as before.
  throughput: { file: 'run.ts', core: undefined },
  // push.ts's devices and approvers belong on the load core (it would re-run itself there anyway).
  push: { file: 'push.ts', core: LOAD_CORE },
};

function selectedParts(): { parts: Part[]; env: NodeJS.ProcessEnv } {
  const only = process.env.BENCH_ONLY;
  if (only === 'throughput' || only === 'push') {
    const env = { ...process.env };
    delete env.BENCH_ONLY; // run.ts reads BENCH_ONLY=pairgate|baseline for itself
    return { parts: [only], env };
  }
  if (only === undefined || only === '' || only === 'pairgate' || only === 'baseline') return { parts: ['throughput', 'push'], env: process.env };
  log(`BENCH_ONLY must be throughput or push (or pairgate / baseline for run.ts), not "${only}"`);
  process.exit(1);
}

/** Runs one part; resolves with the JSON object it printed last on stdout. */
async function runPart(part: Part, env: NodeJS.ProcessEnv): Promise<unknown> {
  const { file, core } = PARTS[part];
  log(`---- ${part} (bench/${file})`);
  const child = spawnTsx(core, [path.join(benchDir, file)], { cwd: portalDir, env, gentle: true });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.pipe(process.stderr);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const last = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`bench/${file} exited with code ${code} and no result`);
  return JSON.parse(last) as unknown;
}

async function main(): Promise<void> {
  const { parts, env } = selectedParts();
  const results: Record<Part, unknown> = { throughput: null, push: null };
  let failed = false;
  for (const part of parts) {
    try {
      results[part] = await runPart(part, env);
    } catch (err) {
      failed = true;
      const message = err instanceof Error ? err.message : String(err);
      log(message);
      results[part] = { error: message };
    }
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
  if (failed) process.exitCode = 1;
}

void main();
