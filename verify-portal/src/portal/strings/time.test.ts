import { describe, expect, it } from 'vitest';
import { formatDateTime, timeAgo, waitTime } from './time';

describe('waitTime (the rate-limit page)', () => {
  it('pluralises, and never says less than the real wait', () => {
    expect(waitTime(1)).toBe('1 second');
    expect(waitTime(30)).toBe('30 seconds');
    expect(waitTime(59)).toBe('59 seconds');
    expect(waitTime(60)).toBe('1 minute');
    expect(waitTime(61)).toBe('2 minutes');
    expect(waitTime(120)).toBe('2 minutes');
    expect(waitTime(899)).toBe('15 minutes');
    expect(waitTime(0)).toBe('1 second');
  });
});

describe('times', () => {
  const T = Date.UTC(2026, 0, 1, 12);

  it('relative: just now, minutes, hours, days', () => {
    expect(timeAgo(T, T + 10_000)).toBe('just now');
    expect(timeAgo(T, T + 60_000)).toBe('1 minute ago');
    expect(timeAgo(T, T + 120_000)).toBe('2 minutes ago');
    expect(timeAgo(T, T + 3 * 3_600_000)).toBe('3 hours ago');
    expect(timeAgo(T, T + 86_400_000)).toBe('yesterday');
  });

  it('absolute: UTC says so; a given zone does not', () => {
    expect(formatDateTime(T, 'UTC')).toBe('Jan 1, 2026, 12:00 PM UTC');
    expect(formatDateTime(T)).not.toContain('UTC');
  });
});
