/**
 * Cross-device protection (issue 13, RFC 10027) and sign-ins that end on the screen (issue 11.5,
 * 11.6), end to end: the real portal process behind a "trusted proxy" (PAIRGATE_TRUST_PROXY=true,
 * so the device and each phone claim their own address with X-Forwarded-For), phones in Chromium
 * (Pixel 7), and devices played from test code over real HTTP and WebSocket (the push channel,
 * as shared/src/push.ts specifies it). The clients' policies are set with the admin CLI, as an
 * operator would.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePushServerMessage, serializePushMessage, type PushClientMessage, type PushServerMessage } from '@pairgate/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { chromiumAvailable, launchChromium } from '../support/browser';
import { decideOnPhone, goToConfirm, numberChoices, pickNumberOnPhone, signedInPhone } from '../support/phone';
import { runAdmin, startPortal, type RunningPortal } from '../support/portal';

const run = chromiumAvailable('cross-device protection end to end');
const portalDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = path.join(portalDir, 'test-artifacts');

/** The device's network, a phone next to it (same /24), and a phone somewhere else. */
const DEVICE_IP = '198.51.100.77';
const NEAR_IP = '198.51.100.20';
const AWAY_IP = '203.0.113.5';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface Channel {
  messages: PushServerMessage[];
  /** Resolves with the first message (already received or not) that matches, or rejects after `timeoutMs`. */
  next(match: (m: PushServerMessage) => boolean, timeoutMs?: number): Promise<PushServerMessage>;
  closed: Promise<number>;
  close(): void;
}

describe.skipIf(!run)('cross-device protection end to end (Chromium, Pixel 7, behind a trusted proxy)', () => {
  let portal: RunningPortal;
  let browser: Browser;
  let near: Page;
  let away: Page;
  let introspector: { id: string; secret: string };
  const channels: Channel[] = [];

  const admin = (...args: string[]) => runAdmin(portal, ...args);
  const phoneAt = (ip: string) => signedInPhone(browser, portal.issuer, { 'X-Forwarded-For': ip });

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    [portal, browser] = await Promise.all([startPortal({ env: { PAIRGATE_TRUST_PROXY: 'true' } }), launchChromium()]);
    // One client per policy, as an operator sets them up (clients add, then clients set).
    await admin('clients', 'add', '--id', 'hall-kiosk', '--name', 'Hall kiosk', '--scopes', 'openid profile offline_access', '--proximity', 'step-up');
    await admin('clients', 'add', '--id', 'locked-kiosk', '--name', 'Locked kiosk', '--scopes', 'openid profile offline_access');
    expect(await admin('clients', 'set', '--id', 'locked-kiosk', '--proximity', 'deny', '--code-ttl', '300')).toContain('proximity=deny');
    const rs = await admin('clients', 'add', '--id', 'resource-server', '--name', 'Resource server', '--type', 'confidential', '--grant-types', 'client_credentials', '--scopes', 'openid');
    introspector = { id: 'resource-server', secret: /Client secret \(shown only now; store it safely\): (\S+)/.exec(rs)![1]! };
    [near, away] = await Promise.all([phoneAt(NEAR_IP), phoneAt(AWAY_IP)]);
  }, 120_000);

  afterAll(async () => {
    for (const c of channels) c.close();
    await browser?.close();
    await portal?.stop();
  });

  /** A device at DEVICE_IP asks for a code (optionally with its stable id) and polls by hand. */
  async function pairDevice(clientId: string, deviceId?: string) {
    const form = new URLSearchParams({ client_id: clientId, scope: 'openid profile offline_access', device_name: 'Living room TV', ...(deviceId ? { device_id: deviceId } : {}) });
    const response = await fetch(`${portal.issuer}/oauth/device/code`, { method: 'POST', headers: { 'X-Forwarded-For': DEVICE_IP }, body: form });
    expect(response.status).toBe(200);
    const authorization = (await response.json()) as { device_code: string; user_code: string; verification_uri_complete: string; expires_in: number };
    const poll = () => token({ grant_type: DEVICE_GRANT, device_code: authorization.device_code, client_id: clientId });
    return { ...authorization, poll, push: channel({ type: 'subscribe', device_code: authorization.device_code }) };
  }

  async function token(params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${portal.issuer}/oauth/token`, { method: 'POST', headers: { 'X-Forwarded-For': DEVICE_IP }, body: new URLSearchParams(params) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** The push channel from the device's address, with its first message. */
  function channel(first: PushClientMessage): Channel {
    const ws = new WebSocket(`${portal.issuer.replace('http', 'ws')}/oauth/device/events`, { headers: { 'X-Forwarded-For': DEVICE_IP } });
    const messages: PushServerMessage[] = [];
    const waiters = new Set<() => void>();
    ws.on('open', () => ws.send(serializePushMessage(first)));
    ws.on('message', (data) => {
      const message = parsePushServerMessage(String(data));
      if (message) messages.push(message);
      for (const wake of waiters) wake();
    });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    const next: Channel['next'] = (match, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no such push message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    const c = { messages, next, closed, close: () => ws.close() };
    channels.push(c);
    return c;
  }

  const watch = (accessToken: string) => channel({ type: 'watch', access_token: accessToken });
  const isMatch = (m: PushServerMessage): m is Extract<PushServerMessage, { type: 'match' }> => m.type === 'match';
  const status = (s: string) => (m: PushServerMessage) => m.type === 'status' && m.status === s;
  const active = (m: PushServerMessage) => m.type === 'session' && m.status === 'active';
  const ended = (m: PushServerMessage) => m.type === 'session' && m.status === 'ended';

  async function approveOn(page: Page, url: string): Promise<void> {
    await goToConfirm(page, { url });
    await decideOnPhone(page, 'approve');
    expect(await page.locator('[data-result]').getAttribute('data-result')).toBe('approved');
  }

  async function refresh(refreshToken: string, clientId: string) {
    return token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
  }

  it('same network: Approve as today, no warning, and Devices and apps says where it was approved from', async () => {
    const device = await pairDevice('tv-kiosk');
    await goToConfirm(near, { url: device.verification_uri_complete });
    expect(await near.locator('.notice.warning').count()).toBe(0);
    expect(await near.locator('button[name=number]').count()).toBe(0);
    await near.locator('button[name=decision][value=approve]').click();
    await device.push.next(status('approved'));
    expect((await device.poll()).status).toBe(200);
    await near.goto(`${portal.issuer}/account/devices`);
    expect(await near.locator('[data-approved-from]').first().getAttribute('data-approved-from')).toBe('near');
  });

  it('step-up, another network: the device gets the number by push and in authorization_pending; a wrong pick denies and the device gets access_denied', async () => {
    const device = await pairDevice('hall-kiosk');
    await goToConfirm(away, { url: device.verification_uri_complete });
    await device.push.next(status('opened'));
    const { number } = (await device.push.next(isMatch)) as { number: string };
    expect(number).toMatch(/^[1-9][0-9]$/);
    // A device that only polls sees the same number (pairgate_match) with its authorization_pending.
    expect(await device.poll()).toEqual({
      status: 400,
      body: { error: 'authorization_pending', error_description: expect.any(String), pairgate_match: number },
    });

    const choices = await numberChoices(away);
    expect(choices).toHaveLength(3);
    expect(choices).toContain(number);
    expect(await away.locator('button[name=decision][value=approve]').count()).toBe(0);
    await away.screenshot({ path: path.join(artifacts, 'cross-device-number-match.png'), fullPage: true });

    expect(await pickNumberOnPhone(away, choices.find((c) => c !== number)!)).toBe('wrong-number');
    await device.push.next(status('denied'));
    expect((await device.poll()).body.error).toBe('access_denied');
  });

  it('step-up, another network: the right pick signs the device in', async () => {
    const device = await pairDevice('hall-kiosk');
    await goToConfirm(away, { url: device.verification_uri_complete });
    const { number } = (await device.push.next(isMatch)) as { number: string };
    expect(await pickNumberOnPhone(away, number)).toBe('approved');
    await device.push.next(status('approved'));
    const tokens = await device.poll();
    expect(tokens.status).toBe(200);
    expect(tokens.body.scope).toBe('openid profile offline_access');
  });

  it('deny, another network: a refusal page, and the device gets access_denied (push: denied)', async () => {
    const device = await pairDevice('locked-kiosk');
    expect(device.expires_in).toBe(300);
    await away.goto(device.verification_uri_complete);
    await away.waitForURL((u) => u.pathname === '/activate/confirm');
    expect(await away.locator('[data-result]').getAttribute('data-result')).toBe('refused');
    expect(await away.locator('h1').textContent()).toBe('Not allowed from this network');
    await device.push.next(status('denied'));
    expect((await device.poll()).body.error).toBe('access_denied');
    // The same policy lets a phone next to the device approve.
    const nearby = await pairDevice('locked-kiosk');
    await approveOn(near, nearby.verification_uri_complete);
    expect((await nearby.poll()).status).toBe(200);
  });

  it("This wasn't me: the watching device hears `session ended` within 2 s; refresh, introspection and userinfo refuse at once", async () => {
    const device = await pairDevice('tv-kiosk');
    await approveOn(near, device.verification_uri_complete);
    const tokens = (await device.poll()).body as { access_token: string; refresh_token: string };
    const screen = watch(tokens.access_token);
    await screen.next(active);
    const basic = `Basic ${Buffer.from(`${introspector.id}:${introspector.secret}`).toString('base64')}`;
    const introspect = async (t: string) =>
      (await (await fetch(`${portal.issuer}/oauth/introspect`, { method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ token: t }) })).json()) as { active: boolean };
    expect((await introspect(tokens.access_token)).active).toBe(true);

    const clicked = Date.now();
    await near.locator('form[data-form=disown] button').click();
    await screen.next(ended, 2_000);
    const heardAfterMs = Date.now() - clicked;
    expect(await screen.closed).toBe(1000);
    await near.waitForURL((u) => u.pathname === '/activate/done');
    expect(await near.locator('[data-result]').getAttribute('data-result')).toBe('disowned');
    console.log(`[cross-device] "This wasn't me" → session ended on the device in ${heardAfterMs} ms`);

    expect((await refresh(tokens.refresh_token, 'tv-kiosk')).body.error).toBe('invalid_grant');
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    const userinfo = await fetch(`${portal.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
    expect(((await userinfo.json()) as { error: string }).error).toBe('invalid_token');
  });

  it('re-pairing with the same device_id ends the first sign-in and tells its watcher; the new one works', async () => {
    const deviceId = `kiosk-${crypto.randomUUID()}`;
    const first = await pairDevice('tv-kiosk', deviceId);
    await approveOn(near, first.verification_uri_complete);
    const firstTokens = (await first.poll()).body as { access_token: string; refresh_token: string };
    const firstScreen = watch(firstTokens.access_token);
    await firstScreen.next(active);

    const second = await pairDevice('tv-kiosk', deviceId);
    await approveOn(near, second.verification_uri_complete);
    await firstScreen.next(ended);
    expect((await refresh(firstTokens.refresh_token, 'tv-kiosk')).body.error).toBe('invalid_grant');
    const secondTokens = (await second.poll()).body as { refresh_token: string };
    expect((await refresh(secondTokens.refresh_token, 'tv-kiosk')).status).toBe(200);
  });

  it('discovery says nothing of any policy; the admin CLI lists it', async () => {
    const text = await (await fetch(`${portal.issuer}/.well-known/openid-configuration`)).text();
    for (const leak of ['proximity', 'step-up', 'deny', 'remote', 'allowed', 'match', 'digits', 'device_id']) expect(text).not.toContain(leak);
    expect(JSON.parse(text)).toHaveProperty('pairgate_device_events_endpoint');
    const list = await admin('clients', 'list');
    expect(list).toMatch(/hall-kiosk.*proximity=step-up/);
    expect(list).toMatch(/locked-kiosk.*proximity=deny .*code-ttl=300/);
  });
});
