/**
 * Types and constants shared by the benchmark orchestrator (run.ts), the load worker (load.ts)
 * and the baseline server (baseline-server.ts). No imports: every file here runs on its own.
 */

export const CLIENT_ID = 'tv-kiosk';
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const DEVICE_AUTH_BODY = `client_id=${CLIENT_ID}&scope=openid%20profile%20offline_access`;
export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' } as const;
/** A device code poll's body, the code left to append (URL-encoded). */
export const POLL_BODY_PREFIX = `grant_type=${encodeURIComponent(DEVICE_CODE_GRANT)}&client_id=${CLIENT_ID}&device_code=`;

export interface Account {
  email: string;
  password: string;
}

/** Public, and only ever in a benchmark's throwaway database. */
export const BENCH_PASSWORD = 'pairgate-bench-person';

/**
 * The people bench/portal-server.ts adds with `PAIRGATE_BENCH_PEOPLE=n` (person-1 … person-n):
 * one account per phone, as in life. One account for all would meet the cap on sessions per
 * account (20) and its progressive delay.
 */
export function benchPerson(n: number): Account {
  return { email: `person-${n}@bench.example`, password: BENCH_PASSWORD };
}

/** What the orchestrator asks the load worker to do (one JSON line per job on its stdin). */
export type LoadJob =
  | {
      /** Device authorization: one fixed request, as fast as the server answers. */
      kind: 'deviceAuthorization';
      url: string;
      connections: number;
      durationS: number;
      /** Answers that are not errors, as "<status>" or "<status> <error>", e.g. "429 temporarily_unavailable". */
      expect: string[];
    }
  | {
      /** Make `amount` pending device codes and write their `device_code` values, one a line. */
      kind: 'mint';
      url: string;
      connections: number;
      amount: number;
      outFile: string;
    }
  | {
      /**
       * Pending polls: the codes in `codesFile` polled round-robin, each no sooner than
       * `intervalS` after its previous poll (0: as fast as the server answers).
       */
      kind: 'pendingPoll';
      url: string;
      connections: number;
      durationS: number;
      codesFile: string;
      intervalS: number;
    }
  | {
      /**
       * Pending polls as waiting devices make them, for latency: each code on its own clock,
       * `intervalS` apart, the clocks spread evenly (bench/pacer.ts), not in autocannon's bursts.
       */
      kind: 'pacedPoll';
      url: string;
      connections: number;
      durationS: number;
      codesFile: string;
      intervalS: number;
    };

/** What the load worker answers (one JSON line per job on its stdout). */
export interface LoadResult {
  /** Completed requests per second over the run. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Every answer that was not an expected one, plus socket errors and timeouts. */
  errors: number;
  /** Non-expected answers by kind, e.g. `{"400 slow_down": 3, "socket error": 1}`. */
  errorKinds: Record<string, number>;
  /** Every answer by kind ("200", "400 authorization_pending", "429 temporarily_unavailable"). */
  answers: Record<string, number>;
  requests: number;
  durationS: number;
  /** The load worker's own CPU over the run ÷ its duration: near 1 means the client, not the server, was the limit. */
  clientCpuShare: number;
  /** Pending polls with an interval: the request rate the pacing allowed (codes ÷ (interval + 1 s)). */
  rateCapPerS?: number;
  /** Mint only: how many codes were written, and the `interval` the server gave them. */
  minted?: number;
  intervalS?: number;
}
