/**
 * The portal's pages while PostgreSQL is away, end to end: a real portal process whose database
 * sits behind a TCP proxy (src/store/fault-proxy.ts) that the test stops — every connection
 * reset, as when the database host goes down — and restores. Pages answer 503 with Retry-After
 * and the "back in a moment" page while it is away (the first one from inside Next's render,
 * the rest before Next), never Next's 500, and 200 again by themselves once it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo } from '../../src/admin/demo';
import { startFaultProxy, type FaultProxy } from '../../src/store/fault-proxy';
import { STORE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../src/store/unavailable';
import { createDatabase, startPortal, type RunningPortal } from '../support/portal';
import { testDatabaseUrl } from '../support/resources';
import { visitPortal, type Visitor } from '../support/visitor';

const postgresUrl = testDatabaseUrl('portal pages while PostgreSQL is away');

describe.skipIf(!postgresUrl)('portal pages while PostgreSQL is away (a real portal process, the database behind a proxy)', () => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let proxy: FaultProxy;
  let portal: RunningPortal;
  let person: Visitor;

  beforeAll(async () => {
    database = await createDatabase(postgresUrl!);
    proxy = await startFaultProxy(database.url);
    portal = await startPortal({ databaseUrl: proxy.url });
    person = visitPortal(portal.issuer);
    await person.signIn(demo.user.email, demo.user.password);
  });
  afterAll(async () => {
    await portal?.stop();
    await proxy?.close();
    await database?.drop();
  });

  const page = async (path: string) => {
    const response = await person.get(path);
    return { path, status: response.status, retryAfter: response.headers.get('retry-after'), html: await response.text() };
  };
  const unavailable = { status: 503, retryAfter: String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS) };

  it('503 + Retry-After + a page to act on while it is away, and 200 again by itself once it is back', async () => {
    expect((await page('/account/devices')).status).toBe(200);

    proxy.stop();
    // The first page to find it away does so inside Next's render (the signed-in viewer is read
    // from the store): Next's 500 becomes the portal's 503.
    const first = await page('/account/devices');
    expect(first).toMatchObject(unavailable);
    expect(first.html).toContain('data-status="unavailable"');
    expect(first.html).toContain('Please try again in a few seconds.');
    expect(first.html).not.toMatch(/ {4}at |\.ts:|ECONNRESET|Internal Server Error/);
    // Known to be away now: every page is answered before Next, with the same page.
    for (const path of ['/activate', '/account/devices', '/login', '/']) {
      const answer = await page(path);
      expect(answer, path).toMatchObject(unavailable);
      expect(answer.html, path).toContain('data-status="unavailable"');
    }

    proxy.restore();
    // Nothing but these requests calls the store: the portal finds the database back by itself.
    await expect.poll(async () => (await page('/account/devices')).status, { timeout: 15_000, interval: 250 }).toBe(200);
    expect((await page('/activate')).status).toBe(200);

    // The access log never recorded a 500.
    expect(portal.output()).toMatch(/"path":"\/account\/devices","status":503/);
    expect(portal.output()).not.toMatch(/"status":500/);
  });
});
