/**
 * DeviceFlow (src/client/device-flow.ts) and the push channel: `pollNow`, the hint that makes
 * the flow poll at once (the push said "approved"), and the number to match that
 * authorization_pending may carry (pairgate_match).
 */
import { describe, expect, it, vi } from 'vitest';
import { fakeFetch, jsonResponse } from '../../helpers/fake-fetch';
import { authorization, flowWith, instantFlow, metadata, networkError, ok, pending, slowDown, timedFlow, useFakeTimers } from '../../helpers/device-flow';

describe('DeviceFlow: the number to match', () => {
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
});

describe('DeviceFlow: pollNow (fake timers, default sleep and clock)', () => {
  useFakeTimers();

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
    const flow = flowWith(fetch);
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

