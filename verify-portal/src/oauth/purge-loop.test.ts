import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../store/unavailable';
import { startPurgeLoop } from './purge-loop';

describe('the purge loop', () => {
  afterEach(() => vi.useRealTimers());

  it('runs on its interval, never two at once, and reports errors except the database being away', async () => {
    vi.useFakeTimers();
    const finishers: (() => void)[] = [];
    const failures: unknown[] = [];
    let calls = 0;
    let next: 'wait' | 'away' | 'bug' = 'wait';
    const loop = startPurgeLoop(
      () => {
        calls++;
        if (next === 'away') return Promise.reject(new StoreUnavailableError('sqlite database unavailable: SQLITE_BUSY'));
        if (next === 'bug') return Promise.reject(new TypeError('a bug'));
        return new Promise<void>((resolve) => finishers.push(resolve));
      },
      1_000,
      (err) => failures.push(err),
    );

    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(1);
    // Still running: the next two rounds are skipped, not stacked.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toBe(1);
    finishers.shift()?.();
    next = 'away';
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(2);
    next = 'bug';
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(3);
    expect(failures).toEqual([new TypeError('a bug')]);

    loop.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(3);
  });
});
