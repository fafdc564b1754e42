/**
 * Load worker: runs one autocannon job and prints one JSON line (LoadResult) on stdout.
 * run.ts starts it pinned to its own core (`taskset -c 1 tsx bench/load.ts <job.json>`), so the
 * load generator never competes with the server for CPU.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  CLIENT_ID,
  DEVICE_AUTH_BODY,
  DEVICE_CODE_GRANT,
  FORM_HEADERS,
  type LoadJob,
  type LoadResult,
} from './common';

// autocannon has no type declarations; this is the part of its API used here.
interface CannonRequest {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (req: CannonRequest, context: object) => CannonRequest | null;
  onResponse?: (status: number, body: string, context: object) => void;
}
interface CannonOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  sampleInt?: number;
  timeout?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: CannonRequest[];
}
interface CannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number; totalCount: number };
  requests: { total: number };
}
interface CannonInstance extends PromiseLike<CannonResult> {
  stop(): void;
}
type Autocannon = (opts: CannonOptions) => CannonInstance;

const autocannonModule: string = 'autocannon';
const autocannon = ((await import(autocannonModule)) as { default: Autocannon }).default;

function bump(kinds: Record<string, number>, kind: string): void {
  kinds[kind] = (kinds[kind] ?? 0) + 1;
}

function oauthErrorOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : 'no error field';
  } catch {
    return 'not JSON';
  }
}

function summarize(result: CannonResult, kinds: Record<string, number>): LoadResult {
  if (result.errors > 0) kinds['socket error'] = result.errors;
  if (result.timeouts > 0) kinds.timeout = result.timeouts;
  const errors = Object.values(kinds).reduce((a, b) => a + b, 0);
  const durationS = result.duration;
  return {
    rps: durationS > 0 ? result.latency.totalCount / durationS : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors,
    errorKinds: kinds,
    requests: result.latency.totalCount,
    durationS,
  };
}

async function deviceAuthorization(job: Extract<LoadJob, { kind: 'deviceAuthorization' }>): Promise<LoadResult> {
  const kinds: Record<string, number> = {};
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationS,
    requests: [
      {
        method: 'POST',
        headers: { ...FORM_HEADERS },
        body: DEVICE_AUTH_BODY,
        onResponse(status, body) {
          if (status !== 200) bump(kinds, `${status} ${oauthErrorOf(body)}`);
        },
      },
    ],
  });
  return summarize(result, kinds);
}

async function mint(job: Extract<LoadJob, { kind: 'mint' }>): Promise<LoadResult> {
  const kinds: Record<string, number> = {};
  const codes: string[] = [];
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    amount: job.amount,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { ...FORM_HEADERS },
        body: DEVICE_AUTH_BODY,
        onResponse(status, body) {
          if (status !== 200) return bump(kinds, `${status} ${oauthErrorOf(body)}`);
          try {
            const code = (JSON.parse(body) as { device_code?: unknown }).device_code;
            if (typeof code === 'string' && code.length > 0) codes.push(code);
            else bump(kinds, '200 without device_code');
          } catch {
            bump(kinds, '200 not JSON');
          }
        },
      },
    ],
  });
  writeFileSync(job.outFile, codes.join('\n'));
  return { ...summarize(result, kinds), minted: codes.length };
}

async function pendingPoll(job: Extract<LoadJob, { kind: 'pendingPoll' }>): Promise<LoadResult> {
  const codes = readFileSync(job.codesFile, 'utf8').split('\n').filter((c) => c.length > 0);
  if (codes.length === 0) throw new Error(`no device codes in ${job.codesFile}`);
  const kinds: Record<string, number> = {};
  const prefix = `grant_type=${encodeURIComponent(DEVICE_CODE_GRANT)}&client_id=${CLIENT_ID}&device_code=`;
  let next = 0;
  let exhausted = false;
  const instance: CannonInstance = autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationS,
    // stop() takes effect at the next sample tick: tick often, so a run whose pool ran out ends
    // within 0.1 s. (Only the latency histogram and the totals are used, not the samples.)
    sampleInt: 100,
    requests: [
      {
        method: 'POST',
        headers: { ...FORM_HEADERS },
        setupRequest(req) {
          // Every poll uses a code nobody has polled yet. Should the pool run out (the server was
          // faster than estimated), stop the run; the few polls sent until it stops reuse codes,
          // and their answers (slow_down, rightly) are not counted as errors.
          if (next >= codes.length) {
            if (!exhausted) {
              exhausted = true;
              instance?.stop();
            }
            next = 0;
          }
          const code = codes[next++] ?? '';
          return { ...req, body: prefix + encodeURIComponent(code) };
        },
        onResponse(status, body) {
          const error = oauthErrorOf(body);
          if (exhausted) return;
          if (status !== 400 || error !== 'authorization_pending') bump(kinds, `${status} ${error}`);
        },
      },
    ],
  });
  const result = await instance;
  return { ...summarize(result, kinds), codesUsed: exhausted ? codes.length : next, exhausted };
}

async function main(): Promise<void> {
  const jobFile = process.argv[2];
  if (!jobFile) throw new Error('usage: tsx bench/load.ts <job.json>');
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as LoadJob;
  let result: LoadResult;
  switch (job.kind) {
    case 'deviceAuthorization':
      result = await deviceAuthorization(job);
      break;
    case 'mint':
      result = await mint(job);
      break;
    case 'pendingPoll':
      result = await pendingPoll(job);
      break;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  console.error(`[bench/load] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
