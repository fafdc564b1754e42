/**
 * `X-Forwarded-For` is a header anyone can send: the portal believes it only behind a proxy it
 * was told to trust (`PAIRGATE_TRUST_PROXY=true`). Two real portal processes — one trusting, one
 * not (the default) — get the same forged headers over real HTTP, and everything that uses the
 * client address is checked on both: the address a device code records (what the confirm screen
 * compares), the issuance limit per network, and the confirm screen's different-network warning.
 * Every request really comes from 127.0.0.1.
 */
import { normalizeUserCode } from '@pairgate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo } from '../../src/admin/demo';
import { defaults } from '../../src/defaults';
import { openStore } from '../../src/store';
import { startPortal, type RunningPortal } from '../support/portal';
import { visitPortal } from '../support/visitor';

describe('X-Forwarded-For is ignored unless PAIRGATE_TRUST_PROXY is on', () => {
  let plain: RunningPortal;
  let trusting: RunningPortal;

  beforeAll(async () => {
    [plain, trusting] = await Promise.all([startPortal(), startPortal({ env: { PAIRGATE_TRUST_PROXY: 'true' } })]);
  });
  afterAll(async () => {
    await Promise.all([plain?.stop(), trusting?.stop()]);
  });

  const both = () => [
    { portal: plain, trusted: false },
    { portal: trusting, trusted: true },
  ];

  async function deviceCode(portal: RunningPortal, forwardedFor: string): Promise<Response> {
    return fetch(`${portal.issuer}/oauth/device/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
      body: new URLSearchParams({ client_id: demo.kioskClientId, scope: 'openid profile' }),
    });
  }

  it('the address a device code records: the socket’s, unless the proxy is trusted', async () => {
    for (const { portal, trusted } of both()) {
      const response = await deviceCode(portal, '203.0.113.9, 198.51.100.2');
      expect(response.status).toBe(200);
      const { user_code } = (await response.json()) as { user_code: string };
      const store = openStore(portal.env.DATABASE_URL, `${portal.env.PAIRGATE_DATA_DIR}/pairgate.db`);
      try {
        // Trusted: the first hop, the client as the proxy saw it.
        expect((await store.findDeviceCodeByUserCode(normalizeUserCode(user_code)!))?.clientIp).toBe(trusted ? '203.0.113.9' : '127.0.0.1');
      } finally {
        await store.close();
      }
    }
  });

  it('the confirm screen’s different-network warning compares the real addresses', async () => {
    for (const { portal, trusted } of both()) {
      // The device claims one network, the phone another.
      const code = (await (await deviceCode(portal, '192.0.2.1')).json()) as { user_code: string };
      const phone = visitPortal(portal.issuer, { headers: { 'x-forwarded-for': '198.51.100.1' } });
      await phone.signIn(demo.user.email, demo.user.password);
      const entered = await phone.post('/activate', { csrf: await phone.csrf('/activate'), user_code: code.user_code });
      expect(entered.status).toBe(303);
      expect(entered.headers.get('location')).toMatch(/\/activate\/confirm$/);
      const confirm = await (await phone.get('/activate/confirm')).text();
      // Untrusted, both are 127.0.0.1: the same network, no warning.
      if (trusted) expect(confirm).toMatch(/different network/);
      else expect(confirm).not.toMatch(/different network/);
    }
  });

  it('the issuance limit per network counts the socket’s address, however many networks the header names', async () => {
    // A sliding window lets at most twice its limit through in any one window: one more than
    // that, sent within a second, must meet the limit wherever the window boundary falls.
    const requests = 2 * defaults.deviceCodesPerNetwork + 1;
    for (const { portal, trusted } of both()) {
      // A different network in every request (10.i.0.1: one /24 each).
      const statuses: number[] = [];
      for (let i = 0; i < requests; i++) statuses.push((await deviceCode(portal, `10.${i}.0.1`)).status);
      const refused = statuses.filter((status) => status === 429).length;
      // Trusted, each network has a burst of its own; untrusted, it is all one network (127.0.0.1).
      if (trusted) expect(refused).toBe(0);
      else expect(refused).toBeGreaterThan(0);
    }
  });
});
