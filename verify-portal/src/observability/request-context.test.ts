import { describe, expect, it } from 'vitest';
import { currentRequest, requestIdFrom, runInRequest } from './request-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it.each(['abc123', 'f3a9-77.lb:1', '0b7e5c1e-2c3a-4d0e-9d7b-6f1c8e0a9b21'])('keeps a safe incoming id: %s', (id) => {
    expect(requestIdFrom(id)).toBe(id);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['repeated', ['a', 'b']],
    ['too long', 'a'.repeat(65)],
    ['with a newline (log injection)', 'abc\n{"level":"fatal"}'],
    ['with spaces', 'a b'],
    ['shaped like a user code', 'WDJB-MJHT'],
    ['shaped like a secret', `x${'A'.repeat(43)}`.slice(0, 44)],
  ])('replaces an id that is %s with a fresh UUID', (_why, header) => {
    expect(requestIdFrom(header)).toMatch(UUID);
  });

  it('generates a different id each time', () => {
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});

describe('runInRequest', () => {
  it('makes the request current inside, and only inside', async () => {
    expect(currentRequest()).toBeUndefined();
    const seen = await runInRequest({ requestId: 'r1' }, async () => {
      await Promise.resolve();
      return currentRequest()?.requestId;
    });
    expect(seen).toBe('r1');
    expect(currentRequest()).toBeUndefined();
  });
});
