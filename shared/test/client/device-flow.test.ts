import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeviceFlow, backoffDelay, type DeviceFlowOptions, type DeviceFlowState } from '../../src/client/device-flow';
import { InvalidResponseError } from '../../src/client/errors';
import { OAuthError } from '../../src/protocol/errors';
import type { AuthorizationServerMetadata } from '../../src/protocol/metadata';
import { fakeFetch, htmlResponse, jsonResponse, type RecordedCall } from '../helpers/fake-fetch';

const metadata: AuthorizationServerMetadata = {
  issuer: 'https://id.example.com',
  device_authorization_endpoint: 'https://id.example.com/oauth/device/code',
  token_endpoint: 'https://id.example.com/oauth/token',
};
const T0 = 1_000_000;
const TOKENS = { access_token: 'at', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt' };

const authorization = (extra: Record<string, unknown> = {}) => ({
  device_code: 'dc-1',
  user_code: 'WDJBMJHT',
  verification_uri: 'https://id.example.com/activate',
  expires_in: 600,
  ...extra,
});

const ok = () => jsonResponse(TOKENS);
const oauth = (error: string, status = 400) => () => jsonResponse({ error }, status);
const pending = oauth('authorization_pending');
const slowDown = oauth('slow_down');
const networkError = () => Promise.reject(new TypeError('fetch failed'));

type Step = (call: RecordedCall) => Response | Promise<Response>;

/**
 * A flow on an instant clock: `sleep` advances the clock and returns at once, so a ten-minute
 * flow runs in milliseconds. `polls` are token requests, in ms since the flow started.
 */
function instantFlow(
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

const gaps = (times: number[]) => times.map((t, i) => t - (times[i - 1] ?? 0));
const statuses = (states: DeviceFlowState[]) => states.map((s) => s.status);

describe('DeviceFlow: RFC 8628 §3.5 polling rules', () => {
  it('polls every 5 s when the server sends no interval, then returns the tokens', async () => {
    const h = instantFlow([pending, pending, ok]);
    const result = await h.flow.start();
    expect(result).toEqual({ status: 'approved', tokens: TOKENS });
    expect(h.polls).toEqual([5000, 10000, 15000]);
    expect(statuses(h.states)).toEqual(['requesting', 'waiting', 'waiting', 'waiting', 'approved']);
    expect(h.states[1]).toMatchObject({ status: 'waiting', interval: 5, expiresAt: T0 + 600_000 });
    expect(h.flow.getState()).toBe(result);
  });

  it('uses the interval the server sends', async () => {
    const h = instantFlow([pending, ok], { authz: authorization({ interval: 3 }) });
    await h.flow.start();
    expect(h.polls).toEqual([3000, 6000]);
  });

  it('never polls faster than once a second, even if told to', async () => {
    const h = instantFlow([pending, ok], { authz: authorization({ interval: 0 }) });
    await h.flow.start();
    expect(h.polls).toEqual([1000, 2000]);
  });

  it('sends the device code grant with the device code, and describes the device on the first request', async () => {
    const h = instantFlow([ok], { scope: 'openid profile', deviceName: 'Lobby kiosk', deviceModel: 'Pi 5' });
    await h.flow.start();
    const [authz, poll] = h.fetch.calls;
    expect(Object.fromEntries(authz!.form)).toEqual({
      client_id: 'tv-app',
      scope: 'openid profile',
      device_name: 'Lobby kiosk',
      device_model: 'Pi 5',
    });
    expect(Object.fromEntries(poll!.form)).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: 'dc-1',
      client_id: 'tv-app',
    });
  });

  it('sends the device id (Pairgate extension) with the device authorization, never with a poll', async () => {
    const h = instantFlow([ok], { deviceId: 'k3Yd1c9Qh0m2VZp7RkX4aLw8sNf6tGjB5uEoIyHqWcD' });
    await h.flow.start();
    const [authz, poll] = h.fetch.calls;
    expect(authz!.form.get('device_id')).toBe('k3Yd1c9Qh0m2VZp7RkX4aLw8sNf6tGjB5uEoIyHqWcD');
    expect(poll!.form.has('device_id')).toBe(false);
  });

  it("reports the number to match from authorization_pending's pairgate_match, and keeps it while pending and reconnecting", async () => {
    const matching = () => jsonResponse({ error: 'authorization_pending', pairgate_match: '42' }, 400);
    const h = instantFlow([pending, matching, pending, networkError, ok]);
    expect((await h.flow.start()).status).toBe('approved');
    const shown = h.states.flatMap((s) => (s.status === 'waiting' || s.status === 'reconnecting' ? [`${s.status}:${s.match ?? '-'}`] : []));
    expect(shown).toEqual(['waiting:-', 'waiting:-', 'waiting:42', 'waiting:42', 'reconnecting:42']);
  });

  it('ignores a pairgate_match that is not a two-digit number', async () => {
    const odd = (value: unknown) => () => jsonResponse({ error: 'authorization_pending', pairgate_match: value }, 400);
    const h = instantFlow([odd('7'), odd(42), odd('042'), odd('<b>'), ok]);
    await h.flow.start();
    expect(h.states.some((s) => s.status === 'waiting' && s.match !== undefined)).toBe(false);
  });

  it('keeps polling while authorization is pending', async () => {
    const h = instantFlow([...Array<Step>(20).fill(pending), ok]);
    expect((await h.flow.start()).status).toBe('approved');
    expect(h.polls).toHaveLength(21);
    expect(new Set(gaps(h.polls))).toEqual(new Set([5000]));
  });

  it('slow_down adds 5 s to this and every later poll', async () => {
    const h = instantFlow([slowDown, pending, pending, slowDown, pending, ok]);
    await h.flow.start();
    expect(gaps(h.polls)).toEqual([5000, 10000, 10000, 10000, 15000, 15000]);
    const intervals = h.states.flatMap((s) => (s.status === 'waiting' ? [s.interval] : []));
    expect(intervals).toEqual([5, 10, 10, 10, 15, 15]);
  });

  it('counts the interval from the answer, so a slow server never gets an early poll', async () => {
    const h = instantFlow([
      () => {
        h.advance(2000); // this poll takes 2 s to answer
        return pending();
      },
      ok,
    ]);
    await h.flow.start();
    expect(h.polls).toEqual([5000, 12000]);
  });

  it('access_denied ends the flow as denied, with no further requests', async () => {
    const h = instantFlow([pending, oauth('access_denied')]);
    const result = await h.flow.start();
    expect(result.status).toBe('denied');
    expect(result.status === 'denied' && result.error.error).toBe('access_denied');
    expect(h.fetch.calls).toHaveLength(3);
  });

  it('expired_token ends the flow as expired', async () => {
    const h = instantFlow([pending, oauth('expired_token')]);
    expect(await h.flow.start()).toEqual({ status: 'expired' });
    expect(h.polls).toHaveLength(2);
  });

  it('stops as expired when the local clock passes expires_in, without polling past expiry', async () => {
    const h = instantFlow([], { authz: authorization({ expires_in: 12 }) });
    expect(await h.flow.start()).toEqual({ status: 'expired' });
    expect(h.polls).toEqual([5000, 10000]);
    expect(h.elapsed()).toBe(12000); // it woke up at expiry, not at the next 15 s poll
  });

  it('counts expiry from before the device authorization request', async () => {
    const h = instantFlow([], {
      authz: authorization({ expires_in: 12 }),
      authzStep: () => {
        h.advance(3000);
        return jsonResponse(authorization({ expires_in: 12 }));
      },
    });
    await h.flow.start();
    expect(h.states[1]).toMatchObject({ status: 'waiting', expiresAt: T0 + 12000 });
    expect(h.polls).toEqual([8000]);
  });
});

describe('DeviceFlow: back-off on network errors and 5xx', () => {
  it('backs off exponentially from the interval on network errors, then recovers', async () => {
    const h = instantFlow([networkError, networkError, networkError, pending, ok]);
    const result = await h.flow.start();
    expect(result.status).toBe('approved');
    expect(gaps(h.polls)).toEqual([5000, 5000, 10000, 20000, 5000]);
    const reconnecting = h.states.filter((s) => s.status === 'reconnecting');
    expect(reconnecting.map((s) => [s.attempt, s.retryInMs])).toEqual([
      [1, 5000],
      [2, 10000],
      [3, 20000],
    ]);
    expect(reconnecting[0]?.error).toBeInstanceOf(TypeError);
    // The first good answer goes back to waiting.
    expect(statuses(h.states).slice(-3)).toEqual(['reconnecting', 'waiting', 'approved']);
  });

  it('treats 503, HTML 502, 500 and 429 as transient', async () => {
    const h = instantFlow([
      () => new Response(null, { status: 503 }),
      () => htmlResponse(502),
      oauth('server_error', 500),
      () => new Response('slow down', { status: 429 }),
      oauth('temporarily_unavailable', 400),
      ok,
    ]);
    const result = await h.flow.start();
    expect(result.status).toBe('approved');
    const errors = h.states.flatMap((s) => (s.status === 'reconnecting' ? [s.error] : []));
    expect(errors.map((e) => (e instanceof OAuthError ? [e.error, e.status] : e))).toEqual([
      ['temporarily_unavailable', 503],
      ['server_error', 502],
      ['server_error', 500],
      ['server_error', 429],
      ['temporarily_unavailable', 400],
    ]);
  });

  it('caps the back-off at maxBackoffMs', async () => {
    const h = instantFlow([networkError, networkError, networkError, networkError, networkError, ok], { maxBackoffMs: 20000 });
    await h.flow.start();
    expect(gaps(h.polls)).toEqual([5000, 5000, 10000, 20000, 20000, 20000]);
  });

  it('resets the back-off after a successful answer', async () => {
    const h = instantFlow([networkError, networkError, pending, networkError, ok]);
    await h.flow.start();
    expect(gaps(h.polls)).toEqual([5000, 5000, 10000, 5000, 5000]);
  });

  it('never gives up before the code expires, and retries once more shortly before expiry', async () => {
    const h = instantFlow(Array<Step>(1000).fill(networkError));
    const result = await h.flow.start();
    expect(result).toEqual({ status: 'expired' });
    expect(statuses(h.states)).not.toContain('failed');
    // 5, 10, 20, 40, 80 s, then every 60 s (the cap) ... 560 s; the next 60 s would overshoot the
    // 600 s expiry, so the last try is moved to one interval before it.
    expect(h.polls.map((t) => t / 1000)).toEqual([5, 10, 20, 40, 80, 140, 200, 260, 320, 380, 440, 500, 560, 595]);
    expect(h.elapsed()).toBe(600_000);
  });

  it('backoffDelay: doubles from the interval, caps, and never lands after expiry', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, 5000, 60000, 1e9))).toEqual([5000, 10000, 20000, 40000, 60000, 60000]);
    expect(backoffDelay(5, 5000, 60000, 40000)).toBe(35000); // moved to one interval before expiry
    expect(backoffDelay(5, 5000, 60000, 3000)).toBe(5000); // less than an interval left: never faster than the interval
    expect(backoffDelay(1, 10000, 2000, 1e9)).toBe(10000); // a cap below the interval does not shorten it
    expect(backoffDelay(200, 5000, 60000, 1e9)).toBe(60000); // no overflow for long outages
  });
});

describe('DeviceFlow: other failures', () => {
  it.each([
    ['invalid_grant', oauth('invalid_grant')],
    ['invalid_client', oauth('invalid_client', 401)],
    ['unauthorized_client', oauth('unauthorized_client')],
    ['a 404 page', () => new Response('not found', { status: 404 })],
  ])('%s ends the flow as failed, with the OAuthError', async (_name, step) => {
    const h = instantFlow([pending, step]);
    const result = await h.flow.start();
    expect(result.status).toBe('failed');
    expect(result.status === 'failed' && result.error).toBeInstanceOf(OAuthError);
    expect(h.polls).toHaveLength(2);
  });

  it('a malformed success ends the flow as failed (the code is spent; retrying cannot help)', async () => {
    const h = instantFlow([() => jsonResponse({ access_token: 'a' })]);
    const result = await h.flow.start();
    expect(result.status === 'failed' && result.error).toBeInstanceOf(InvalidResponseError);
  });

  it('fails when the device authorization request is refused, without polling', async () => {
    const h = instantFlow([], { authzStep: () => jsonResponse({ error: 'invalid_client' }, 401) });
    const result = await h.flow.start();
    expect(result.status === 'failed' && result.error).toMatchObject({ error: 'invalid_client', status: 401 });
    expect(h.polls).toHaveLength(0);
  });

  it('fails when the device authorization request cannot reach the server (no code, nothing to wait for)', async () => {
    const h = instantFlow([], { authzStep: networkError });
    const result = await h.flow.start();
    expect(result.status === 'failed' && result.error).toBeInstanceOf(TypeError);
  });

  it('fails when the metadata lacks an endpoint', async () => {
    const flow = new DeviceFlow({ metadata: { issuer: 'https://x' }, client: { client_id: 'a' }, fetch: fakeFetch(ok) });
    const result = await flow.start();
    expect(result.status === 'failed' && result.error.message).toMatch(/device_authorization_endpoint/);
  });
});

describe('DeviceFlow: state reporting', () => {
  it('starts idle, and unsubscribe stops updates', async () => {
    const h = instantFlow([pending, pending, ok]);
    expect(h.flow.getState()).toEqual({ status: 'idle' });
    const seen: string[] = [];
    const unsubscribe = h.flow.subscribe((s) => {
      seen.push(s.status);
      if (s.status === 'waiting') unsubscribe();
    });
    await h.flow.start();
    expect(seen).toEqual(['requesting', 'waiting']);
    expect(h.states.at(-1)?.status).toBe('approved');
  });

  it('a throwing listener does not stop the flow', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const h = instantFlow([pending, ok]);
      h.flow.subscribe(() => {
        throw new Error('broken UI');
      });
      expect((await h.flow.start()).status).toBe('approved');
      expect(vi.getTimerCount()).toBeGreaterThan(0); // the error is rethrown outside the loop
      vi.clearAllTimers();
    } finally {
      vi.useRealTimers();
    }
  });

  it('may only be started once', async () => {
    const h = instantFlow([ok]);
    const first = h.flow.start();
    expect(() => h.flow.start()).toThrow(/only be called once/);
    expect((await first).status).toBe('approved');
  });
});

/**
 * Real timing with vitest's fake timers: the default sleep (setTimeout) and the default clock
 * (Date.now) drive the flow, and the test moves time.
 */
describe('DeviceFlow: cancellation and pollNow (fake timers, default sleep and clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A server whose token endpoint answers after `latencyMs` (0 = at once), following `script`. */
  function timedFlow(script: Step[] = [], latencyMs = 0) {
    const polls: number[] = [];
    const steps = [...script];
    const fetch = fakeFetch(async (call) => {
      if (call.url === metadata.device_authorization_endpoint) return jsonResponse(authorization());
      polls.push(Date.now() - T0);
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      return (steps.shift() ?? pending)(call);
    });
    const flow = new DeviceFlow({ metadata, client: { client_id: 'tv-app' }, fetch });
    const states: DeviceFlowState[] = [];
    flow.subscribe((s) => states.push(s));
    return { flow, fetch, polls, states };
  }

  it('abort while waiting resolves cancelled at once and sends nothing more', async () => {
    const t = timedFlow();
    const controller = new AbortController();
    const result = t.flow.start(controller.signal);
    await vi.advanceTimersByTimeAsync(7000);
    expect(t.polls).toEqual([5000]);

    const reason = new Error('user left the screen');
    controller.abort(reason);
    // Settles without any time passing: the sleep was woken, not waited out.
    await expect(result).resolves.toEqual({ status: 'cancelled', reason });
    expect(t.flow.getState()).toEqual({ status: 'cancelled', reason });

    await vi.advanceTimersByTimeAsync(120_000);
    expect(t.fetch.calls).toHaveLength(2); // device authorization + one poll, nothing after the abort
    expect(vi.getTimerCount()).toBe(0); // no sleep left behind
  });

  it('abort during an in-flight poll aborts the fetch and stops even if fetch ignores the signal', async () => {
    let pollSignal: AbortSignal | undefined;
    const fetch = fakeFetch((call) => {
      if (call.url === metadata.device_authorization_endpoint) return jsonResponse(authorization());
      pollSignal = call.init.signal ?? undefined;
      return new Promise<Response>(() => {}); // never answers, ignores the signal
    });
    const flow = new DeviceFlow({ metadata, client: { client_id: 'tv-app' }, fetch });
    const controller = new AbortController();
    const result = flow.start(controller.signal);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fetch.calls).toHaveLength(2);
    expect(pollSignal?.aborted).toBe(false);

    controller.abort();
    const settled = await result;
    expect(settled.status).toBe('cancelled');
    expect(settled.status === 'cancelled' && (settled.reason as Error).name).toBe('AbortError');
    expect(pollSignal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetch.calls).toHaveLength(2);
  });

  it('abort during the device authorization request cancels without polling', async () => {
    const fetch = fakeFetch(() => new Promise<Response>(() => {}));
    const flow = new DeviceFlow({ metadata, client: { client_id: 'tv-app' }, fetch });
    const controller = new AbortController();
    const result = flow.start(controller.signal);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect((await result).status).toBe('cancelled');
    expect(fetch.calls).toHaveLength(1);
    expect(fetch.calls[0]?.init.signal?.aborted).toBe(true);
  });

  it('an already-aborted signal sends no request at all', async () => {
    const t = timedFlow();
    const result = await t.flow.start(AbortSignal.abort());
    expect(result.status).toBe('cancelled');
    expect(t.fetch.calls).toHaveLength(0);
  });

  it('abort while reconnecting stops the back-off', async () => {
    const t = timedFlow([networkError, networkError]);
    const controller = new AbortController();
    const result = t.flow.start(controller.signal);
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.flow.getState().status).toBe('reconnecting');
    controller.abort();
    expect((await result).status).toBe('cancelled');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.polls).toEqual([5000]);
  });

  it('pollNow polls at once, and the next regular poll is a full interval after it', async () => {
    const t = timedFlow();
    void t.flow.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.polls).toEqual([]);
    t.flow.pollNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.polls).toEqual([2000]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.polls).toEqual([2000, 7000, 12000]); // not 5000: the schedule restarts from the hinted poll
  });

  it('pollNow is a single hint: several calls give one extra poll', async () => {
    const t = timedFlow();
    void t.flow.start();
    await vi.advanceTimersByTimeAsync(1000);
    t.flow.pollNow();
    t.flow.pollNow();
    t.flow.pollNow();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(4000);
    expect(t.polls).toEqual([1000]);
  });

  it('pollNow picks up the approval right away', async () => {
    const t = timedFlow([pending, ok]);
    const result = t.flow.start();
    await vi.advanceTimersByTimeAsync(6000); // first poll at 5 s: pending
    t.flow.pollNow(); // e.g. the push channel said "approved"
    await vi.advanceTimersByTimeAsync(0);
    expect(t.polls).toEqual([5000, 6000]);
    expect((await result).status).toBe('approved');
  });

  it('pollNow during an in-flight poll polls once more as soon as it answers pending', async () => {
    const t = timedFlow([], 1000);
    void t.flow.start();
    await vi.advanceTimersByTimeAsync(5500); // poll sent at 5000, answer due at 6000
    t.flow.pollNow();
    await vi.advanceTimersByTimeAsync(500);
    expect(t.polls).toEqual([5000, 6000]);
    await vi.advanceTimersByTimeAsync(6000);
    expect(t.polls).toEqual([5000, 6000, 12000]); // back on schedule: answer at 7000 + 5 s
  });

  it('a slow_down answer drops a pending hint and honours the longer interval', async () => {
    const t = timedFlow([slowDown], 1000);
    void t.flow.start();
    await vi.advanceTimersByTimeAsync(5500);
    t.flow.pollNow();
    await vi.advanceTimersByTimeAsync(500); // slow_down arrives at 6000
    await vi.advanceTimersByTimeAsync(9999);
    expect(t.polls).toEqual([5000]);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.polls).toEqual([5000, 16000]);
  });

  it('pollNow while reconnecting retries at once', async () => {
    const t = timedFlow([networkError, networkError, networkError, pending]);
    void t.flow.start();
    await vi.advanceTimersByTimeAsync(20_000); // 5 s fail, 10 s fail, 20 s fail → next retry at 40 s
    expect(t.polls).toEqual([5000, 10000, 20000]);
    await vi.advanceTimersByTimeAsync(1000);
    t.flow.pollNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.polls).toEqual([5000, 10000, 20000, 21000]);
    expect(t.flow.getState().status).toBe('waiting');
  });

  it('pollNow is ignored before there is a code and after the end', async () => {
    let release: (response: Response) => void = () => {};
    const gate = new Promise<Response>((resolve) => {
      release = resolve;
    });
    const fetch = fakeFetch((call) => (call.url === metadata.device_authorization_endpoint ? gate : ok()));
    const flow = new DeviceFlow({ metadata, client: { client_id: 'tv-app' }, fetch });
    flow.pollNow(); // idle
    const result = flow.start();
    flow.pollNow(); // requesting
    release(jsonResponse(authorization()));
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch.calls).toHaveLength(1); // no early poll from the ignored hints
    await vi.advanceTimersByTimeAsync(5000);
    expect((await result).status).toBe('approved');
    flow.pollNow(); // finished
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetch.calls).toHaveLength(2);
  });
});

describe('DeviceFlow: a code requested elsewhere (the web host rendered the page with it)', () => {
  it('waits on it without requesting one, and counts interval and expiry from when it was requested', async () => {
    const adopted = { response: { ...authorization({ interval: 2 }), expires_in: 30 }, requestedAt: T0 - 10_000 };
    const h = instantFlow([pending, ok], { authorization: adopted });
    const result = await h.flow.start();
    expect(result.status).toBe('approved');
    // No device authorization request: the two calls are polls.
    expect(h.fetch.calls.map((c) => c.url)).toEqual([metadata.token_endpoint, metadata.token_endpoint]);
    expect(statuses(h.states)).toEqual(['waiting', 'waiting', 'approved']);
    expect(h.states[0]).toMatchObject({ status: 'waiting', interval: 2, expiresAt: T0 + 20_000, authorization: adopted.response });
    expect(h.polls).toEqual([2000, 4000]);
  });

  it('an adopted code past its expiry is expired without a poll', async () => {
    const adopted = { response: authorization({ expires_in: 5 }), requestedAt: T0 - 6_000 };
    const h = instantFlow([ok], { authorization: adopted });
    expect((await h.flow.start()).status).toBe('expired');
    expect(h.fetch.calls).toHaveLength(0);
  });
});
