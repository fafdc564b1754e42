import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sleep } from '../../src/client/sleep';

describe('sleep', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves after the time, not before', async () => {
    let done = false;
    void sleep(1_000, new AbortController().signal).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('resolves as soon as the signal aborts, and leaves no timer behind', async () => {
    const wake = new AbortController();
    let done = false;
    void sleep(60_000, wake.signal).then(() => (done = true));
    wake.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an already aborted signal does not wait at all', async () => {
    const wake = new AbortController();
    wake.abort();
    await sleep(60_000, wake.signal);
    expect(vi.getTimerCount()).toBe(0);
  });
});
