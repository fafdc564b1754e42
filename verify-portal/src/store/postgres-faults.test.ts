/**
 * The PostgreSQL store and the OAuth core while the database goes away and comes back: a TCP
 * proxy in front of the real test PostgreSQL is stopped (every connection reset) or frozen
 * (accepts, forwards nothing). Requests get 503 + Retry-After + `temporarily_unavailable` — by
 * the configured timeouts, not by hanging — and succeed again once it is back, with no restart.
 * The timeout knobs are small here so the suite takes seconds; production values and why are in
 * `databaseDefaults` (src/defaults.ts).
 */
import { GrantType } from '@pairgate/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../../test/support/resources';
import { serveFetch } from '../oauth/http/fetch-adapter';
import { createProvider, type Provider } from '../oauth/provider';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { openPostgresStore } from './postgres';
import type { Store } from './store';
import { createSchema, dropSchema, uniqueSchema, withSearchPath } from './test-support';

const url = testDatabaseUrl('store faults');

describe.skipIf(!url)('PostgreSQL away and back', () => {
  const schema = uniqueSchema('faults');
  let proxy: FaultProxy;
  let store: Store;
  let core: Provider;
  const lines: string[] = [];
  const unexpected: unknown[] = [];

  beforeAll(async () => {
    await createSchema(url!, schema);
    const direct = openPostgresStore(withSearchPath(url!, schema), { poolSize: 1 });
    await direct.migrate();
    await direct.upsertClient({
      clientId: 'tv', name: 'TV', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null,
      grantTypes: [GrantType.DeviceCode], redirectUris: [], scopes: ['openid'], firstParty: true, createdAt: 0,
    });
    await direct.upsertClient({
      clientId: 'desktop', name: 'Desktop', type: 'public', tokenEndpointAuthMethod: 'none', secretHash: null,
      grantTypes: [GrantType.AuthorizationCode], redirectUris: ['http://127.0.0.1/callback'], scopes: ['openid'], firstParty: true, createdAt: 0,
    });
    await direct.close();
    proxy = await startFaultProxy(withSearchPath(url!, schema));
    store = openPostgresStore(proxy.url, {
      poolSize: 4,
      connectTimeoutMs: 300,
      statementTimeoutMs: 300,
      queryTimeoutMs: 400,
      idleInTransactionTimeoutMs: 1_000,
      log: (l) => lines.push(l),
    });
    core = createProvider({ store, issuer: 'https://pairgate.test', onUnexpectedError: (e) => unexpected.push(e) });
  });
  afterEach(() => {
    proxy.restore();
    lines.length = 0;
  });
  afterAll(async () => {
    core?.close();
    await store?.close();
    await proxy?.close();
    await dropSchema(url!, schema);
  });

  const deviceCode = async (): Promise<{ status: number; retryAfter: string | null; body: unknown }> => {
    const response = await serveFetch(
      core.handle,
      new Request('https://pairgate.test/oauth/device/code', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=tv' }),
      '203.0.113.7',
    );
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
  };
  const unavailable = {
    status: 503,
    retryAfter: '5',
    body: { error: 'temporarily_unavailable', error_description: 'The service is briefly unavailable; try again in a few seconds.' },
  };

  it('stopped: every request is answered 503 at once; restored: requests succeed without a restart', async () => {
    expect((await deviceCode()).status).toBe(200);
    proxy.stop();
    for (let i = 0; i < 3; i++) expect(await deviceCode()).toEqual(unavailable);
    expect(await store.checkReady()).toEqual({ ready: false, reason: expect.stringMatching(/^database unavailable: /) });
    // The authorization endpoint cannot vouch for the client now, and the person is on a browser
    // navigation: the page that says to try again shortly, 503 with Retry-After (not JSON, not 500).
    const authorize = await serveFetch(core.handle, new Request('https://pairgate.test/oauth/authorize?response_type=code&client_id=desktop&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback'), '203.0.113.7');
    expect({ status: authorize.status, retryAfter: authorize.headers.get('retry-after'), type: authorize.headers.get('content-type') }).toEqual({ status: 503, retryAfter: '5', type: 'text/html; charset=utf-8' });
    expect(await authorize.text()).toContain('data-authorization-error="unavailable"');
    proxy.restore();
    expect((await deviceCode()).status).toBe(200);
    expect(await store.checkReady()).toEqual({ ready: true });
    // One line when it went, one when it came back: not one per request.
    expect(lines).toEqual([expect.stringMatching(/^\[store\] postgres database unavailable \(.+\); answering 503 until it is back$/), '[store] postgres database answering again']);
    expect(unexpected).toEqual([]);
  });

  it('frozen: requests are answered 503 by the timeouts (connect or query), then it recovers by itself', async () => {
    expect((await deviceCode()).status).toBe(200);
    proxy.freeze();
    // Open connections time out on their query; new ones on connecting; a full pool on waiting.
    const during = await Promise.all(Array.from({ length: 6 }, () => deviceCode()));
    expect(during).toEqual(Array.from({ length: 6 }, () => unavailable));
    expect(lines).toEqual([expect.stringMatching(/database unavailable \((Query read timeout|timeout exceeded when trying to connect|Connection terminated due to connection timeout)\)/)]);
    proxy.restore();
    expect((await deviceCode()).status).toBe(200);
    expect(lines[1]).toBe('[store] postgres database answering again');
    expect(unexpected).toEqual([]);
  });
});
