import { GrantType } from '@pairgate/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestCore } from '../oauth/test-support';
import type { DeviceCodeOutcome, DeviceFlowMetrics } from './device-flow-metrics';

/** What the core reported, in order. */
function recorder(): DeviceFlowMetrics & { outcomes: DeviceCodeOutcome[]; latencies: number[] } {
  const outcomes: DeviceCodeOutcome[] = [];
  const latencies: number[] = [];
  return { outcomes, latencies, deviceCode: (o) => void outcomes.push(o), approvalToToken: (s) => void latencies.push(s) };
}

describe('the OAuth core reports device-code outcomes where they are decided', () => {
  let t: Awaited<ReturnType<typeof createTestCore>>;
  let metrics: ReturnType<typeof recorder>;

  beforeEach(async () => {
    metrics = recorder();
    t = await createTestCore({ metrics });
  });
  afterEach(() => t.close());

  async function issue(): Promise<{ device_code: string; user_code: string }> {
    const r = await t.post('/oauth/device/code', { client_id: 'tv', scope: 'openid' });
    expect(r.status).toBe(200);
    return r.body as { device_code: string; user_code: string };
  }
  const poll = (deviceCode: string) => t.post('/oauth/token', { grant_type: GrantType.DeviceCode, device_code: deviceCode, client_id: 'tv' });

  it('issued, approved once, redeemed once, with the time from approval to tokens', async () => {
    const code = await issue();
    expect(metrics.outcomes).toEqual(['issued']);

    expect((await poll(code.device_code)).body.error).toBe('authorization_pending');
    t.clock.advance(2);
    expect((await t.core.approve(code.user_code, t.user.id)).ok).toBe(true);
    // A second decision on the same code loses and is not counted.
    expect((await t.core.deny(code.user_code)).ok).toBe(false);
    t.clock.advance(3.5);
    const tokenResponse = await poll(code.device_code);
    expect(tokenResponse.body).toHaveProperty('access_token');
    // Already redeemed: exactly one redemption per code (RFC 8628 §3.5 via the atomic store step).
    t.clock.advance(6);
    expect((await poll(code.device_code)).body.error).toBe('invalid_grant');

    expect(metrics.outcomes).toEqual(['issued', 'approved', 'redeemed']);
    expect(metrics.latencies).toEqual([3.5]);
  });

  it('denied', async () => {
    const code = await issue();
    expect((await t.core.deny(code.user_code)).ok).toBe(true);
    expect((await poll(code.device_code)).body.error).toBe('access_denied');
    expect(metrics.outcomes).toEqual(['issued', 'denied']);
    expect(metrics.latencies).toEqual([]);
  });

  it('expired: a poll past expires_in is answered expired_token', async () => {
    const code = await issue();
    t.clock.advance(601);
    expect((await poll(code.device_code)).body.error).toBe('expired_token');
    expect(metrics.outcomes).toEqual(['issued', 'expired']);
  });

  it('nothing for requests that fail', async () => {
    expect((await t.post('/oauth/device/code', { client_id: 'nobody' })).status).toBe(401);
    expect((await poll('not-a-device-code')).body.error).toBe('invalid_grant');
    expect((await t.core.approve('BCDF-GHJK', t.user.id)).ok).toBe(false);
    expect(metrics.outcomes).toEqual([]);
  });
});
