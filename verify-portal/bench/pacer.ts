/**
 * Polls as waiting devices make them: each code on its own clock, polled again `interval` seconds
 * after each answer (RFC 8628 §3.5; what the DeviceFlow driver does, so no poll can reach the
 * server early), the codes' first polls spread evenly over the first interval —
 * real devices are not synchronised. autocannon's rate limit sends each second's share in a
 * burst at the start of the second, which makes every request that arrives then (an approval's
 * token request) wait behind a thousand polls; fine for throughput, wrong for latency. Used by
 * the load worker for `pacedPoll` jobs (mixed.ts).
 */
import http from 'node:http';
import { FORM_HEADERS } from './common';
import { quantile } from './stats';

export interface PacedResult {
  requests: number;
  durationS: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers by kind ("400 authorization_pending", "socket error"). */
  answers: Record<string, number>;
}

/** How often due polls are sent. */
const TICK_MS = 5;

export async function pacedPolls(options: {
  url: string;
  bodies: readonly string[];
  intervalS: number;
  durationS: number;
  /** At most this many requests in flight (kept-alive connections). */
  connections: number;
  answerOf(status: number, body: string): string;
}): Promise<PacedResult> {
  const { bodies } = options;
  const intervalMs = options.intervalS * 1000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(options.url);
  const latencies: number[] = [];
  const answers: Record<string, number> = {};
  const count = (kind: string) => (answers[kind] = (answers[kind] ?? 0) + 1);
  const started = performance.now();
  // Codes waiting for their next poll, in the order they are due: a ring of (code, due time).
  // Due times only grow along it — the first round by phase, later ones one interval after each
  // answer, as a device waits `interval` after each response — so the front is always next.
  const n = bodies.length;
  const ringCode = new Int32Array(n);
  const ringDue = new Float64Array(n);
  let head = 0;
  let size = 0;
  const enqueue = (k: number, due: number) => {
    const at = (head + size) % n;
    ringCode[at] = k;
    ringDue[at] = due;
    size++;
  };
  for (let k = 0; k < n; k++) enqueue(k, started + (k / n) * intervalMs);
  let outstanding = 0;

  const send = (k: number): void => {
    const sentAt = performance.now();
    outstanding++;
    const body = bodies[k] ?? '';
    const done = (kind: string) => {
      count(kind);
      outstanding--;
      enqueue(k, performance.now() + intervalMs);
    };
    const req = http.request(
      { agent, method: 'POST', hostname: target.hostname, port: target.port, path: target.pathname, headers: { ...FORM_HEADERS, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          latencies.push(performance.now() - sentAt);
          done(options.answerOf(res.statusCode ?? 0, text));
        });
      },
    );
    req.setTimeout(30_000, () => req.destroy());
    req.on('error', () => done('socket error'));
    req.end(body);
  };

  const endAt = started + options.durationS * 1000;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (now >= endAt) {
        clearInterval(timer);
        resolve();
        return;
      }
      while (size > 0 && (ringDue[head] ?? Infinity) <= now) {
        const k = ringCode[head] ?? 0;
        head = (head + 1) % n;
        size--;
        send(k);
      }
    }, TICK_MS);
  });
  // Let the last answers come in before counting.
  while (outstanding > 0) await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  agent.destroy();
  return {
    requests: latencies.length,
    durationS: options.durationS,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    answers,
  };
}
