/**
 * DeviceFlow (src/client/device-flow.ts): back-off on network errors and 5xx (never giving up
 * before the code expires), and the answers that end the flow as failed.
 */
import { describe, expect, it } from 'vitest';
import { backoffDelay, DeviceFlow } from '../../../src/client/device-flow';
import { InvalidResponseError } from '../../../src/client/errors';
import { OAuthError } from '../../../src/protocol/errors';
import { fakeFetch, htmlResponse, jsonResponse } from '../../helpers/fake-fetch';
import { gaps, instantFlow, networkError, oauth, ok, pending, statuses, type Step } from '../../helpers/device-flow';

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
