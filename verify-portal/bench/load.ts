/**
 * The load worker: one long-lived process that runs autocannon jobs (LoadJob, one JSON line each
 * on stdin) one at a time and answers each with one JSON line (LoadResult) on stdout. run.ts
 * starts it pinned to the load core (`taskset -c 1`), so the load generator never competes with
 * the server for CPU, and keeps it for the whole run (no start-up per measurement).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DEVICE_AUTH_BODY, FORM_HEADERS, POLL_BODY_PREFIX, type LoadJob, type LoadResult } from './common';
import { pacedPolls } from './pacer';

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
  overallRate?: number;
  ignoreCoordinatedOmission?: boolean;
  timeout?: number;
  requests?: CannonRequest[];
}
interface CannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number };
  /** `total`: responses received. */
  requests: { total: number };
}
type Autocannon = (opts: CannonOptions) => PromiseLike<CannonResult>;

const autocannonModule: string = 'autocannon';
const autocannon = ((await import(autocannonModule)) as { default: Autocannon }).default;

/** "200", or "<status> <OAuth error>" without parsing the whole body (the worker's CPU is the load's ceiling). */
function answerOf(status: number, body: string): string {
  if (status === 200) return '200';
  const at = body.indexOf('"error":"');
  if (at < 0) return `${status} (no error field)`;
  const start = at + 9;
  return `${status} ${body.slice(start, body.indexOf('"', start))}`;
}

/** Counts answers; anything not in `expected` is also an error. */
function tally(expected: ReadonlySet<string>) {
  const answers: Record<string, number> = {};
  const errorKinds: Record<string, number> = {};
  return {
    answers,
    errorKinds,
    count(status: number, body: string): void {
      const kind = answerOf(status, body);
      answers[kind] = (answers[kind] ?? 0) + 1;
      if (!expected.has(kind)) errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    },
  };
}

async function measured(run: () => PromiseLike<CannonResult>, counts: ReturnType<typeof tally>): Promise<LoadResult> {
  const cpuBefore = process.cpuUsage();
  const result = await run();
  const cpu = process.cpuUsage(cpuBefore);
  if (result.errors > 0) counts.errorKinds['socket error'] = result.errors;
  if (result.timeouts > 0) counts.errorKinds.timeout = result.timeouts;
  const durationS = result.duration;
  return {
    rps: durationS > 0 ? result.requests.total / durationS : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: Object.values(counts.errorKinds).reduce((a, b) => a + b, 0),
    errorKinds: counts.errorKinds,
    answers: counts.answers,
    requests: result.requests.total,
    durationS,
    clientCpuShare: durationS > 0 ? Math.round(((cpu.user + cpu.system) / 1e6 / durationS) * 100) / 100 : 0,
  };
}

function deviceAuthorization(job: Extract<LoadJob, { kind: 'deviceAuthorization' }>): Promise<LoadResult> {
  const counts = tally(new Set(job.expect));
  return measured(
    () =>
      autocannon({
        url: job.url,
        connections: job.connections,
        duration: job.durationS,
        requests: [{ method: 'POST', headers: { ...FORM_HEADERS }, body: DEVICE_AUTH_BODY, onResponse: (status, body) => counts.count(status, body) }],
      }),
    counts,
  );
}

async function mint(job: Extract<LoadJob, { kind: 'mint' }>): Promise<LoadResult> {
  const counts = tally(new Set(['200']));
  const codes: string[] = [];
  let intervalS: number | undefined;
  const result = await measured(
    () =>
      autocannon({
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
              counts.count(status, body);
              if (status !== 200) return;
              const parsed = JSON.parse(body) as { device_code?: unknown; interval?: unknown };
              if (typeof parsed.device_code === 'string') codes.push(parsed.device_code);
              if (typeof parsed.interval === 'number') intervalS ??= parsed.interval;
            },
          },
        ],
      }),
    counts,
  );
  writeFileSync(job.outFile, codes.join('\n'));
  return { ...result, minted: codes.length, ...(intervalS === undefined ? {} : { intervalS }) };
}

/** Each pool's poll bodies, read once; and where its round-robin stopped. */
const codeFiles = new Map<string, string[]>();
const nextPoll = new Map<string, number>();

/**
 * RFC 8628 §3.5: a device waits `interval` seconds between polls. The codes are polled
 * round-robin, so a code is polled again `codes ÷ rate` seconds later; autocannon's limiter sends
 * each second's share at the start of the second, which can bring two polls of one code up to a
 * second closer than that. So the rate is capped at codes ÷ (interval + 1 s).
 */
function pollRateCap(codes: number, intervalS: number): number | undefined {
  return intervalS > 0 ? Math.floor(codes / (intervalS + 1)) : undefined;
}

/** The poll bodies of a pool of codes, read once. */
function pollBodies(codesFile: string): string[] {
  let bodies = codeFiles.get(codesFile);
  if (!bodies) {
    bodies = readFileSync(codesFile, 'utf8').split('\n').filter((c) => c.length > 0).map((c) => POLL_BODY_PREFIX + encodeURIComponent(c));
    codeFiles.set(codesFile, bodies);
  }
  return bodies;
}

async function pendingPoll(job: Extract<LoadJob, { kind: 'pendingPoll' }>): Promise<LoadResult> {
  const bodies = pollBodies(job.codesFile);
  if (bodies.length === 0) throw new Error(`no device codes in ${job.codesFile}`);
  const counts = tally(new Set(['400 authorization_pending']));
  // Round-robin from where the previous job on this pool stopped, so no code is polled early.
  let next = nextPoll.get(job.codesFile) ?? 0;
  const rateCapPerS = pollRateCap(bodies.length, job.intervalS);
  const result = await measured(
    () =>
      autocannon({
        url: job.url,
        connections: job.connections,
        duration: job.durationS,
        // Paced, the latencies are the polls' own: autocannon would otherwise add made-up samples
        // for requests it held back ("coordinated omission"), which an honest device never sent.
        ...(rateCapPerS === undefined ? {} : { overallRate: rateCapPerS, ignoreCoordinatedOmission: true }),
        requests: [
          {
            method: 'POST',
            headers: { ...FORM_HEADERS },
            setupRequest(req) {
              const body = bodies[next] ?? '';
              next = (next + 1) % bodies.length;
              return { ...req, body };
            },
            onResponse: (status, body) => counts.count(status, body),
          },
        ],
      }),
    counts,
  );
  nextPoll.set(job.codesFile, next);
  return { ...result, ...(rateCapPerS === undefined ? {} : { rateCapPerS }) };
}

async function pacedPoll(job: Extract<LoadJob, { kind: 'pacedPoll' }>): Promise<LoadResult> {
  const expected = '400 authorization_pending';
  const cpuBefore = process.cpuUsage();
  const r = await pacedPolls({ url: job.url, bodies: pollBodies(job.codesFile), intervalS: job.intervalS, durationS: job.durationS, connections: job.connections, answerOf });
  const cpu = process.cpuUsage(cpuBefore);
  const errorKinds = Object.fromEntries(Object.entries(r.answers).filter(([kind]) => kind !== expected));
  return {
    rps: r.requests / r.durationS,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    errors: Object.values(errorKinds).reduce((a, b) => a + b, 0),
    errorKinds,
    answers: r.answers,
    requests: r.requests,
    durationS: r.durationS,
    clientCpuShare: Math.round(((cpu.user + cpu.system) / 1e6 / r.durationS) * 100) / 100,
    rateCapPerS: Math.round(r.requests / r.durationS),
  };
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  switch (job.kind) {
    case 'deviceAuthorization':
      return deviceAuthorization(job);
    case 'mint':
      return mint(job);
    case 'pendingPoll':
      return pendingPoll(job);
    case 'pacedPoll':
      return pacedPoll(job);
  }
}

// One job at a time, in order: the next line is read only after the previous answer.
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  try {
    process.stdout.write(`${JSON.stringify(await runJob(JSON.parse(line) as LoadJob))}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
  }
}
