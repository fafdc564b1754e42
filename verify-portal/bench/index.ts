/**
 * `npm run bench`: runs the verify-portal benchmarks one after the other, each in its own process
 * (they pin their servers and load generators to cores themselves), and prints ONE JSON object
 * on stdout, `{ "throughput": <run.ts's>, "push": <push.ts's>, "mixed": <mixed.ts's> }`; their
 * human lines go to stderr as they come. A part that was not run is `null`.
 *
 * BENCH_ONLY=throughput|push|mixed runs one part; BENCH_QUICK=1 makes every part a smoke run
 * (about a minute in all). Every other setting goes to the parts unchanged: see README.md.
 * Exits 1 if a part could not measure (its key then holds `{ "error": … }`).
 */
import path from 'node:path';
import { benchDir, LOAD_CORE, log, portalDir, spawnTsx } from './processes';

const PARTS = {
  // run.ts pins its servers and its load worker itself; the orchestrator (reading the servers'
  // output among other things) stays off the server core too.
  throughput: { file: 'run.ts', core: LOAD_CORE },
  // push.ts's and mixed.ts's devices and approvers belong on the load core (they would re-run themselves there anyway).
  push: { file: 'push.ts', core: LOAD_CORE },
  mixed: { file: 'mixed.ts', core: LOAD_CORE },
} as const satisfies Record<string, { file: string; core: string | undefined }>;
type Part = keyof typeof PARTS;
const ALL = Object.keys(PARTS) as Part[];

function selectedParts(): Part[] {
  const only = process.env.BENCH_ONLY;
  if (only === undefined || only === '') return ALL;
  if ((ALL as string[]).includes(only)) return [only as Part];
  log(`BENCH_ONLY must be one of ${ALL.join(', ')}, not "${only}"`);
  process.exit(1);
}

/** Runs one part; resolves with the JSON object it printed last on stdout. */
async function runPart(part: Part): Promise<unknown> {
  const { file, core } = PARTS[part];
  log(`---- ${part} (bench/${file})`);
  const child = spawnTsx(core, [path.join(benchDir, file)], { cwd: portalDir, env: process.env, gentle: true });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.pipe(process.stderr);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const last = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`bench/${file} exited with code ${code} and no result`);
  return JSON.parse(last) as unknown;
}

async function main(): Promise<void> {
  const parts = selectedParts();
  const results: Record<Part, unknown> = { throughput: null, push: null, mixed: null };
  let failed = false;
  for (const part of parts) {
    try {
      results[part] = await runPart(part);
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
