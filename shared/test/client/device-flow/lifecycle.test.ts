/**
 * DeviceFlow (src/client/device-flow.ts): its states as reported to whoever shows them, and
 * cancellation through its AbortSignal — at once, whatever the flow is waiting for.
 */
import { describe, expect, it, vi } from 'vitest';
import { fakeFetch, jsonResponse } from '../../helpers/fake-fetch';
import { authorization, flowWith, instantFlow, metadata, networkError, ok, pending, timedFlow, useFakeTimers } from '../../helpers/device-flow';

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

/** Cancellation in real timing: the default sleep (setTimeout) and clock (Date.now) on vitest's fake timers, which the test moves. */
describe('DeviceFlow: cancellation (fake timers, default sleep and clock)', () => {
  useFakeTimers();

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
    const flow = flowWith(fetch);
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
    const flow = flowWith(fetch);
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
});
