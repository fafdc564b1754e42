import { describe, expect, it } from 'vitest';
import { realTick, until, useControllerFakes } from '../../test/support/controller-harness';
import { createFakeServer } from '../../test/support/fake-authorization-server';
import { MemoryVault, type TokenVault } from './vault';

describe('the signed-in session', () => {
  const fakes = useControllerFakes();

  it('refreshes one at a time, and stores the rotated refresh token', async () => {
    const kiosk = fakes.start();
    await kiosk.signIn();
    const release = fakes.server.holdRefreshes();
    const first = kiosk.controller.refresh();
    const second = kiosk.controller.refresh();
    await realTick();
    release();
    expect(await first).toBe('refreshed');
    expect(await second).toBe('refreshed');
    expect(fakes.server.count('/token', 'refresh_token')).toBe(1);
    const latest = fakes.vault.saved.at(-1)?.refreshToken;
    expect(latest && fakes.server.refreshTokens.has(latest)).toBe(true);
  });

  it('refreshes in the background before the access token expires', async () => {
    fakes.server = await createFakeServer({ interval: 5, accessTokenTtl: 100 });
    const kiosk = fakes.start();
    await kiosk.signIn();
    const signedInAt = Date.now();
    await until(() => fakes.server.count('/token', 'refresh_token') === 1, 'a background refresh');
    expect(Date.now() - signedInAt).toBeLessThan(100_000);
    await until(() => fakes.server.count('/token', 'refresh_token') === 2, 'a second one');
    expect(kiosk.view()).toMatchObject({ screen: 'signed-in', name: 'Ada Lovelace' });
  });

  it('goes back to pairing by itself when a refresh fails with invalid_grant', async () => {
    const kiosk = fakes.start();
    await kiosk.signIn();
    fakes.server.revokeAll(); // the person signed the device out from their phone
    expect(await kiosk.controller.refresh()).toBe('signed-out');
    await until(() => kiosk.status() === 'waiting', 'a new code');
    expect(await fakes.vault.load()).toBeUndefined();
  });

  it('sign-out revokes the refresh token at the server, clears the vault and shows a new code', async () => {
    const kiosk = fakes.start();
    await kiosk.signIn();
    const refreshToken = fakes.vault.saved.at(-1)?.refreshToken as string;
    kiosk.controller.dispatch({ type: 'sign-out' });
    expect(kiosk.view()).toMatchObject({ screen: 'signed-in', signingOut: true });
    await until(() => kiosk.status() === 'waiting', 'a new code');
    const revoke = fakes.server.requests.find((r) => r.path === '/revoke');
    expect(revoke?.params).toMatchObject({ token: refreshToken, token_type_hint: 'refresh_token', client_id: 'tv-kiosk' });
    expect(fakes.server.refreshTokens.has(refreshToken)).toBe(false);
    expect(fakes.vault.cleared).toBeGreaterThan(0);
    expect(await fakes.vault.load()).toBeUndefined();
  });

  it('resumes a stored session by refreshing it at start', async () => {
    const before = fakes.start();
    await before.signIn();
    before.controller.stop();
    const kiosk = fakes.start(); // same vault: a restart of the app
    await until(() => fakes.server.count('/token', 'refresh_token') === 1, 'a refresh at start');
    expect(kiosk.view()).toMatchObject({ screen: 'signed-in', name: 'Ada Lovelace' });
    expect(fakes.server.count('/device/code')).toBe(1);
  });

  it('says so when the vault refuses to store the refresh token', async () => {
    const refusing: TokenVault = {
      load: async () => undefined,
      save: async () => ({ stored: false, reason: 'plaintext-refused' }),
      clear: async () => undefined,
      loadRevocations: async () => [],
      saveRevocations: async () => ({ stored: false, reason: 'plaintext-refused' }),
    };
    const kiosk = fakes.start({ vault: refusing });
    await kiosk.signIn();
    expect(kiosk.view()).toMatchObject({ screen: 'signed-in', notice: 'vault-plaintext-refused' });
  });

  it('sign-out while the server is unreachable forgets the session anyway, says the server could not be told yet, and keeps the token to tell it', async () => {
    const stored = new MemoryVault();
    await stored.save({ refreshToken: 'rt-stored', name: 'Ada', sub: 'user-1' });
    fakes.server.setOffline(true);
    const kiosk = fakes.start({ vault: stored, scope: 'openid' });
    await until(() => kiosk.view().screen === 'signed-in', 'resumed offline');
    expect(kiosk.view()).toMatchObject({ screen: 'signed-in', name: 'Ada' });
    await kiosk.controller.signOut();
    expect(kiosk.view()).toMatchObject({ screen: 'pairing' });
    expect(await stored.load()).toBeUndefined();
    await until(() => (kiosk.view() as { notice: string | null }).notice === 'sign-out-offline', 'the notice');
    // Kept, to be told when the server is back (revocations.test.ts).
    expect(await stored.loadRevocations()).toEqual([{ refreshToken: 'rt-stored', until: expect.any(Number) }]);
  });
});
