/**
 * DeviceFlow (src/client/device-flow.ts): the polling rules of RFC 8628 §3.5 — the interval and
 * its floor, slow_down, the answers that end the flow, expiry by the local clock — what the
 * requests carry, and a code requested elsewhere (the web host's first code).
 */
import { describe, expect, it } from 'vitest';
import { jsonResponse } from '../../helpers/fake-fetch';
import { T0, TOKENS, authorization, gaps, instantFlow, metadata, oauth, ok, pending, slowDown, statuses, type Step } from '../../helpers/device-flow';

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
