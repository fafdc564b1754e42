/**
 * What the DeviceFlow tests (test/client/device-flow/) share: a server's metadata and answers,
 * and two ways to run a flow — on an instant clock (`instantFlow`: a ten-minute flow in
 * milliseconds) or on vitest's fake timers with the default sleep and clock (`timedFlow`).
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { DeviceFlow, type DeviceFlowOptions, type DeviceFlowState } from '../../src/client/device-flow';
import type { FetchLike } from '../../src/client/http';
import type { AuthorizationServerMetadata } from '../../src/protocol/metadata';
import { fakeFetch, jsonResponse, type RecordedCall } from './fake-fetch';

export const metadata: AuthorizationServerMetadata = {
  issuer: 'https://id.example.com',
  device_authorization_endpoint: 'https://id.example.com/oauth/device/code',
  token_endpoint: 'https://id.example.com/oauth/token',
};
export const T0 = 1_000_000;
export const TOKENS = { access_token: 'at', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt' };

export const authorization = (extra: Record<string, unknown> = {}) => ({
  device_code: 'dc-1',
  user_code: 'WDJBMJHT',
  verification_uri: 'https://id.example.com/activate',
  expires_in: 600,
  ...extra,
});

export const ok = () => jsonResponse(TOKENS);
export const oauth = (error: string, status = 400) => () => jsonResponse({ error }, status);
export const pending = oauth('authorization_pending');
export const slowDown = oauth('slow_down');
export const networkError = () => Promise.reject(new TypeError('fetch failed'));

/** One answer of the server's token endpoint. */
export type Step = (call: RecordedCall) => Response | Promise<Response>;

/** A flow of the test client `tv-app` against `metadata`, with the default sleep and clock. */
export const flowWith = (fetch: FetchLike) => new DeviceFlow({ metadata, client: { client_id: 'tv-app' }, fetch });

/**
 * A flow on an instant clock: `sleep` advances the clock and returns at once, so a ten-minute
 * flow runs in milliseconds. `polls` are token requests, in ms since the flow started.
 */
export function instantFlow(
  script: Step[],
  {
    authz = authorization(),
    authzStep,
    ...options
  }: { authz?: Record<string, unknown>; authzStep?: Step } & Partial<DeviceFlowOptions> = {},
) {
  let clock = T0;
  const polls: number[] = [];
  const sleeps: number[] = [];
  const states: DeviceFlowState[] = [];
  const steps = [...script];
  const fetch = fakeFetch((call) => {
    if (call.url === metadata.device_authorization_endpoint) return (authzStep ?? (() => jsonResponse(authz)))(call);
    polls.push(clock - T0);
    // Once the script runs out, the person simply has not acted yet.
    return (steps.shift() ?? pending)(call);
  });
  const flow = new DeviceFlow({
    metadata,
    client: { client_id: 'tv-app' },
    fetch,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    ...options,
  });
  flow.subscribe((s) => states.push(s));
  return {
    flow,
    fetch,
    polls,
    sleeps,
    states,
    elapsed: () => clock - T0,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

export const gaps = (times: number[]) => times.map((t, i) => t - (times[i - 1] ?? 0));
export const statuses = (states: DeviceFlowState[]) => states.map((s) => s.status);

/** Fakes the timers and Date from `T0` for each test of the file (the default sleep and clock then follow them). */
export function useFakeTimers(): void {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/** A server whose token endpoint answers after `latencyMs` (0 = at once), following `script`. */
export function timedFlow(script: Step[] = [], latencyMs = 0) {
  const polls: number[] = [];
  const steps = [...script];
  const fetch = fakeFetch(async (call) => {
    if (call.url === metadata.device_authorization_endpoint) return jsonResponse(authorization());
    polls.push(Date.now() - T0);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    return (steps.shift() ?? pending)(call);
  });
  const flow = flowWith(fetch);
  const states: DeviceFlowState[] = [];
  flow.subscribe((s) => states.push(s));
  return { flow, fetch, polls, states };
}
