/**
 * The orchestrator's side of the load worker (load.ts): one process pinned to the load core for
 * the whole run, given one job at a time.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { LoadJob, LoadResult } from './common';
import { BenchError, benchDir, LOAD_CORE, portalDir, spawnTsx, stopChild } from './processes';

export class LoadWorker {
  readonly #child: ChildProcess;
  readonly #lines: AsyncIterator<string>;
  readonly #reader: Interface;
  #stderr = '';

  constructor() {
    this.#child = spawnTsx(LOAD_CORE, [path.join(benchDir, 'load.ts')], { cwd: portalDir, env: process.env, stdin: true });
    this.#child.stderr?.on('data', (c: Buffer) => (this.#stderr = (this.#stderr + c.toString('utf8')).slice(-4000)));
    if (!this.#child.stdout) throw new BenchError('load worker has no stdout');
    this.#reader = createInterface({ input: this.#child.stdout });
    this.#lines = this.#reader[Symbol.asyncIterator]();
  }

  async run(job: LoadJob): Promise<LoadResult> {
    this.#child.stdin?.write(`${JSON.stringify(job)}\n`);
    const next = await this.#lines.next();
    if (next.done) throw new BenchError(`load worker exited (${this.#child.exitCode}) during ${job.kind}:\n${this.#stderr}`);
    const answer = JSON.parse(next.value) as LoadResult | { error: string };
    if ('error' in answer) throw new BenchError(`load worker failed on ${job.kind}: ${answer.error}`);
    return answer;
  }

  async stop(): Promise<void> {
    this.#child.stdin?.end();
    this.#reader.close();
    await stopChild(this.#child);
  }
}
