/**
 * Types and constants shared by the benchmark orchestrator (run.ts), the load worker (load.ts)
 * and the baseline server (baseline-server.ts). No imports: every file here runs on its own.
 */

export const CLIENT_ID = 'tv-kiosk';
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const DEVICE_AUTH_BODY = `client_id=${CLIENT_ID}&scope=openid%20profile%20offline_access`;
export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' } as const;

/** What the orchestrator asks one load-worker process to do (passed as a JSON file). */
export type LoadJob =
  | {
      /** Scenario A: one fixed device authorization request, as fast as the server answers. */
      kind: 'deviceAuthorization';
      url: string;
      connections: number;
      durationS: number;
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
      /** Scenario B: poll the token endpoint, every request with the next unused device code. */
      kind: 'pendingPoll';
      url: string;
      connections: number;
      durationS: number;
      codesFile: string;
    };

/** What a load worker prints (one JSON line on stdout). */
export interface LoadResult {
  /** Completed requests per second over the run. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Every answer that was not the expected one, plus socket errors and timeouts. */
  errors: number;
  /** Non-expected answers by kind, e.g. `{"400 slow_down": 3, "socket error": 1}`. */
  errorKinds: Record<string, number>;
  requests: number;
  durationS: number;
  /** Pending-poll only: how many distinct codes were polled, and whether the pool ran out. */
  codesUsed?: number;
  exhausted?: boolean;
  /** Mint only: how many codes were written. */
  minted?: number;
}

export interface ScenarioSummary {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}
