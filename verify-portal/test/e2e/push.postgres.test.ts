import { devices, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parsePushStatusMessage, type PushStatus } from '@pairgate/shared';
import { chromiumAvailable, launchChromium } from '../support/browser';
import { approveOnPhone, startDevice } from '../support/phone';
import { startPortal, type RunningPortal } from '../support/portal';
import { testDatabaseUrl } from '../support/resources';

const postgresUrl = testDatabaseUrl('push across two portal instances');
const browserReady = postgresUrl !== undefined && chromiumAvailable('push across two portal instances');

/**
 * Two portal processes on one PostgreSQL database, as behind a load balancer: the device polls
 * and listens on the first, the phone approves on the second. LISTEN/NOTIFY carries the event
 * across, and the device has its tokens long before its 5 s poll interval would have ended.
 */
describe.skipIf(!browserReady)('push across two portal instances (PostgreSQL)', () => {
  let first: RunningPortal;
  let second: RunningPortal;
  let browser: Browser;

  beforeAll(async () => {
    first = await startPortal({ postgresUrl: postgresUrl! });
    second = await startPortal({ databaseUrl: first.env.DATABASE_URL! });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await second?.stop();
    await first?.stop();
  });

  it('the device connected to one instance hears opened and approved from the other, and gets tokens at once', async () => {
    const device = await startDevice(first.issuer, { deviceName: 'Lobby screen' });
    const heard: { status: PushStatus; at: number }[] = [];
    const ws = new WebSocket(`${first.issuer.replace('http', 'ws')}/oauth/device/events`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => {
        // The device code goes in the first message, never in the URL.
        ws.send(JSON.stringify({ type: 'subscribe', device_code: device.authorization.device_code }));
        resolve();
      });
      ws.once('error', reject);
    });
    ws.on('message', (data) => {
      const message = parsePushStatusMessage(String(data));
      if (!message) return;
      heard.push({ status: message.status, at: Date.now() });
      // RFC 8628 polling stays the source of tokens; push only says "poll now".
      if (message.status === 'approved') device.flow.pollNow();
    });

    const phone = await browser.newContext({ ...devices['Pixel 7'] });
    const onSecond = device.authorization.verification_uri_complete!.replace(first.issuer, second.issuer);
    await approveOnPhone(phone, { url: onSecond });
    const approvedAt = Date.now();
    const result = await device.result;
    const signedInAt = Date.now();
    await phone.close();
    ws.close();

    expect(result.status).toBe('approved');
    expect(heard.map((h) => h.status)).toEqual(['opened', 'approved']);
    // The interval is 5 s; without push the device would wait up to that long.
    expect(signedInAt - approvedAt).toBeLessThan(2_000);
    expect(first.output() + second.output()).not.toContain(device.authorization.device_code);
  }, 60_000);
});
