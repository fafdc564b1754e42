/**
 * Pairing: the code on screen (and the number to pick beside it), new codes when one expires or
 * is denied, the server away, the web host's first code, and the push channel's hints.
 */
import { formatUserCode, processDeviceAuthorizationResponse } from '@pairgate/shared';
import { describe, expect, it, vi } from 'vitest';
import { until, useControllerFakes } from '../../test/support/controller-harness';
import { ISSUER, createFakeServer } from '../../test/support/fake-authorization-server';
import { fakeWebSockets } from '../../test/support/fake-web-socket';
import { MemoryVault } from './vault';

const fakes = useControllerFakes();

describe('pairing', () => {
  it('shows a grouped, spelled-out code with the QR target, then the name from the verified ID token', async () => {
    const kiosk = fakes.start();
    await until(() => kiosk.status() === 'waiting', 'a code');
    const current = kiosk.view();
    if (current.screen !== 'pairing' || !current.code) throw new Error('no code shown');
    expect(current.code.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(current.code.spokenCode).toMatch(/^([A-Z] ){3}[A-Z], ([A-Z] ){3}[A-Z]$/);
    expect(current.code.qrUri).toBe(`${ISSUER}/activate?user_code=${current.code.userCode.replace('-', '')}`);
    expect(current.code.expiresAt).toBe(Date.now() + 600_000);
    // Pairgate's device_name / device_model reach the server (RFC 8628 §5.4: the person checks the device).
    expect(fakes.server.requests.find((r) => r.path === '/device/code')?.params).toMatchObject({ device_name: 'Test TV', device_model: 'Model T', scope: 'openid profile offline_access' });

    fakes.server.approveLatest();
    await until(() => kiosk.view().screen === 'signed-in', 'signed in');
    expect(kiosk.view()).toEqual({ screen: 'signed-in', name: 'Ada Lovelace', signingOut: false, notice: null, devices: null });
    // The name came from the ID token: no userinfo call was needed.
    expect(fakes.server.count('/userinfo')).toBe(0);
    expect(fakes.vault.saved).toHaveLength(1);
  });

  it('gets a new code when one expires, a bounded number of times, then waits for a key press', async () => {
    fakes.server = await createFakeServer({ interval: 5, expiresIn: 30 });
    const kiosk = fakes.start({ maxRenewals: 2 });
    await until(() => kiosk.status() === 'waiting', 'a code');
    const first = kiosk.userCode();
    await until(() => kiosk.status() === 'waiting' && kiosk.userCode() !== first, 'the second code');
    // In between, the screen said so ("Code expired — getting a new one…").
    expect(kiosk.views.some((v) => v.screen === 'pairing' && v.status === 'renewing')).toBe(true);
    await until(() => kiosk.status() === 'expired', 'gives up after 2 renewals');
    expect(fakes.server.count('/device/code')).toBe(3);
    // Nobody is looking: no more codes until someone presses a key.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(fakes.server.count('/device/code')).toBe(3);
    kiosk.controller.restart();
    await until(() => kiosk.status() === 'waiting', 'a code after the key press');
    expect(fakes.server.count('/device/code')).toBe(4);
  });

  it('shows denied, and "Start again" fetches a new code', async () => {
    const kiosk = fakes.start();
    await until(() => kiosk.status() === 'waiting', 'a code');
    fakes.server.denyLatest();
    await until(() => kiosk.status() === 'denied', 'denied');
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', code: null });
    kiosk.controller.dispatch({ type: 'restart' });
    await until(() => kiosk.status() === 'waiting', 'a new code');
    expect(fakes.server.count('/device/code')).toBe(2);
  });

  it('sends the device id with every code it asks for, so a new pairing replaces the old sign-in', async () => {
    const deviceId = 'k3Yd1c9Qh0m2VZp7RkX4aLw8sNf6tGjB5uEoIyHqWcD';
    const kiosk = fakes.start({ deviceId });
    await until(() => kiosk.status() === 'waiting', 'a code');
    fakes.server.denyLatest();
    await until(() => kiosk.status() === 'denied', 'denied');
    kiosk.controller.restart();
    await until(() => fakes.server.count('/device/code') === 2, 'a second code');
    const sent = fakes.server.requests.filter((r) => r.path === '/device/code').map((r) => r.params.device_id);
    expect(sent).toEqual([deviceId, deviceId]);
    // Never shown, and never with a poll.
    expect(JSON.stringify(kiosk.views)).not.toContain(deviceId);
    expect(fakes.server.requests.filter((r) => r.path === '/token').every((r) => r.params.device_id === undefined)).toBe(true);
  });

  it('shows the number to pick beside the code when a poll brings pairgate_match (no push)', async () => {
    const kiosk = fakes.start();
    await until(() => kiosk.status() === 'waiting', 'a code');
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', match: null });
    fakes.server.matchLatest('42');
    await until(() => kiosk.view().screen === 'pairing' && (kiosk.view() as { match: string | null }).match === '42', 'the number');
    // The phone has the confirm screen open (that is when the number is drawn).
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', status: 'opened', match: '42', code: { userCode: expect.any(String) } });
    // A wrong pick denies: the number goes with the code.
    fakes.server.denyLatest();
    await until(() => kiosk.status() === 'denied', 'denied');
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', code: null, match: null });
  });

  it('keeps the code on screen while the server is unreachable, then completes the sign-in', async () => {
    const kiosk = fakes.start();
    await until(() => kiosk.status() === 'waiting', 'a code');
    const code = kiosk.userCode();
    fakes.server.setOffline(true);
    await until(() => kiosk.status() === 'reconnecting', 'reconnecting');
    expect(kiosk.userCode()).toBe(code);
    fakes.server.setOffline(false);
    fakes.server.approveLatest();
    await until(() => kiosk.view().screen === 'signed-in', 'signed in after reconnecting');
  });

  it('retries discovery while the server is down, showing reconnecting', async () => {
    fakes.server.setOffline(true);
    const kiosk = fakes.start();
    await until(() => kiosk.status() === 'reconnecting', 'reconnecting');
    fakes.server.setOffline(false);
    await until(() => kiosk.status() === 'waiting', 'a code');
  });

  it('refuses a sign-in whose ID token does not verify, and "Start again" gets a new code', async () => {
    fakes.server = await createFakeServer({ interval: 5, forgeIdTokens: true });
    const kiosk = fakes.start();
    await kiosk.signIn().catch(() => undefined);
    await until(() => kiosk.status() === 'failed', 'failed');
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', failure: 'id-token-invalid' });
    expect(fakes.vault.saved).toHaveLength(0);
    kiosk.controller.restart();
    await until(() => kiosk.status() === 'waiting', 'a new code');
    expect(fakes.server.count('/device/code')).toBe(2);
  });
});

describe('pairing: faster to the first code', () => {
  it('shows a code the web host put in the page from the very first view, and polls with it without asking for another', async () => {
    // What the web host did before sending the page.
    const authorization = await processDeviceAuthorizationResponse(await fakes.server.fetch(`${ISSUER}/device/code`, { method: 'POST', body: new URLSearchParams({ client_id: 'tv-kiosk' }) }));
    const kiosk = fakes.start({ firstCode: { authorization, requestedAt: Date.now() } });
    // Synchronously, before the vault or the server were asked anything.
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', status: 'waiting', code: { userCode: formatUserCode(authorization.user_code), expiresAt: Date.now() + 600_000 } });
    await until(() => fakes.server.count('/token') === 1, 'the first poll');
    expect(fakes.server.count('/device/code')).toBe(1);
    expect(kiosk.views.every((v) => v.screen === 'pairing' && v.code?.userCode === formatUserCode(authorization.user_code))).toBe(true);
    fakes.server.approveLatest();
    await until(() => kiosk.view().screen === 'signed-in', 'signed in');
  });

  it('fetches the signing keys while the code is on screen, so approval waits for nothing but the token', async () => {
    const kiosk = fakes.start();
    await until(() => kiosk.status() === 'waiting', 'a code');
    await until(() => fakes.server.count('/jwks') === 1, 'the keys, before anyone approved');
    fakes.server.approveLatest();
    await until(() => kiosk.view().screen === 'signed-in', 'signed in');
    expect(fakes.server.count('/jwks')).toBe(1);
    // Without openid there is no ID token to verify: no keys (another screen, with a vault of its own).
    kiosk.controller.stop();
    const plain = fakes.start({ scope: 'offline_access', vault: new MemoryVault() });
    await until(() => plain.status() === 'waiting', 'a code');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fakes.server.count('/jwks')).toBe(1);
  });
});

describe('pairing with a push channel', () => {
  it('shows the pushed number beside the code after "opened", and a new code comes without it', async () => {
    fakes.server = await createFakeServer({ interval: 5, expiresIn: 60, push: true });
    const { factory, sockets } = fakeWebSockets();
    const kiosk = fakes.start({ webSocket: factory, maxRenewals: 1 });
    await until(() => sockets.length === 1, 'a push connection');
    const push = sockets[0]!;
    push.open();
    push.receive({ type: 'status', status: 'opened' });
    push.receive({ type: 'match', number: '73' });
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', status: 'opened', match: '73' });
    // Malformed numbers and unknown messages are ignored.
    push.receive({ type: 'match', number: '7' });
    push.receive({ type: 'match', number: '73', extra: true });
    push.receive({ type: 'session', status: 'ended' });
    expect(kiosk.view()).toMatchObject({ screen: 'pairing', status: 'opened', match: '73' });
    const first = kiosk.userCode();
    await until(() => kiosk.status() === 'waiting' && kiosk.userCode() !== first, 'the next code');
    expect(kiosk.view()).toMatchObject({ match: null });
  });

  it('subscribes with the device code in the first message, shows "opened", and polls at once on "approved"', async () => {
    fakes.server = await createFakeServer({ interval: 5, push: true });
    const { factory, sockets } = fakeWebSockets();
    const { controller } = fakes.start({ scope: 'openid', webSocket: factory });
    await until(() => sockets.length === 1, 'a push connection');
    const push = sockets[0]!;
    expect(push.url).toBe('wss://as.example/oauth/device/events'); // no device code in the URL
    push.open();
    expect(push.first()).toEqual({ type: 'subscribe', device_code: expect.stringMatching(/^dc-/) });

    push.receive({ type: 'status', status: 'opened' });
    expect(controller.getState()).toMatchObject({ screen: 'pairing', status: 'opened' });

    fakes.server.approveLatest();
    const polls = fakes.server.count('/token');
    push.receive({ type: 'status', status: 'approved' });
    // Well inside the 5 s interval: the hint made it poll now. (Signing in then takes real
    // time for the ID token's crypto, so that wait is not bounded in fake time.)
    await until(() => fakes.server.count('/token') > polls, 'a poll at once', 1_000, 50);
    await until(() => controller.getState().screen === 'signed-in', 'signed in');
    expect(fakes.server.count('/token')).toBe(polls + 1);
    expect(push.closed).toBe(true);
  });
});
