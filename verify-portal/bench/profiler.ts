/**
 * CPU profiles of exactly the measured runs, for the servers the benchmarks start: with
 * `PAIRGATE_BENCH_PROFILE_DIR` set, SIGUSR2 starts V8's sampling profiler in this process and the
 * next SIGUSR2 stops it and writes `<dir>/<n>.cpuprofile` (open it in Chrome DevTools or
 * speedscope, or read it with bench/profile-summary.ts). run.ts sends the signals around each
 * measured run (BENCH_CPU_PROF=<dir>), so start-up and code minting stay out of the profile.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

export function profileOnSignal(): void {
  const dir = process.env.PAIRGATE_BENCH_PROFILE_DIR;
  if (!dir) return;
  const session = new Session();
  session.connect();
  let running = false;
  let count = 0;
  const post = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result))));
  process.on('SIGUSR2', () => {
    const step = running
      ? post('Profiler.stop').then((result) => {
          const file = path.join(dir, `${process.pid}-${++count}.cpuprofile`);
          writeFileSync(file, JSON.stringify((result as { profile: unknown }).profile));
          process.stdout.write(`[bench] profile written: ${file}\n`);
        })
      : post('Profiler.enable').then(() => post('Profiler.start'));
    running = !running;
    step.catch((err: unknown) => process.stderr.write(`[bench] profiler: ${String(err)}\n`));
  });
}
