/**
 * "Sign out" while the server cannot be reached: the screen goes back to pairing at once, and the
 * refresh token is kept (in the vault) and revoked as soon as the server answers — after a
 * restart too — or dropped once it would have expired anyway (`revocations.ts`).
 */
import { describe, expect, it, vi } from 'vitest';
import { SpyVault, until, useControllerFakes } from '../../test/support/controller-harness';
import { REVOCATION_RETRY_FOR_MS } from './revocations';
import type { PendingRevocation } from './vault';

class RecordingVault extends SpyVault {
  revocationSaves: PendingRevocation[][] = [];
  override async saveRevocations(pending: readonly PendingRevocation[]) {
    this.revocationSaves.push(pending.map((p) => ({ ...p })));
    return super.saveRevocations(pending);
  }
}

describe('sign-outs the server has not heard of yet', () => {
  const fakes = useControllerFakes({ vault: () => new RecordingVault() });

  const revokedTokens = () => fakes.server.requests.filter((r) => r.path === '/revoke').map((r) => r.params.token);

  it('offline: pairing at once, the token queued in the vault and retried with back-off until the server answers', async () => {
    const kiosk = fakes.start();
    await kiosk.signIn();
    const refreshToken = fakes.vault.saved.at(-1)?.refreshToken as string;
    fakes.server.setOffline(true);
    await kiosk.controller.signOut();
    // The screen did not wait for the network: pairing (connecting, as the server is away).
    expect(kiosk.view().screen).toBe('pairing');
    expect(await fakes.vault.load()).toBeUndefined();
    expect(fakes.vault.revocationSaves[0]).toEqual([{ refreshToken, until: expect.any(Number) }]);
    await until(() => (kiosk.view() as { notice: string | null }).notice === 'sign-out-offline', 'the notice');
    // Retried with back-off (5 s, 10 s, 20 s, 40 s… apart): the server is asked again and again.
    const tries = revokedTokens().length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(revokedTokens().length - tries).toBeGreaterThanOrEqual(3);
    expect(revokedTokens().length - tries).toBeLessThanOrEqual(4);
    expect(fakes.server.refreshTokens.has(refreshToken)).toBe(true);

    fakes.server.setOffline(false);
    await until(() => !fakes.server.refreshTokens.has(refreshToken), 'the revocation', 10 * 60_000);
    expect(new Set(revokedTokens())).toEqual(new Set([refreshToken]));
    await until(() => kiosk.status() === 'waiting', 'a code');
    await until(() => (kiosk.view() as { notice: string | null }).notice === null, 'the notice gone');
    expect(await fakes.vault.loadRevocations()).toEqual([]);
    // Never on screen.
    expect(JSON.stringify(kiosk.views)).not.toContain(refreshToken);
  });

  it('a restart picks up a queued sign-out and tells the server', async () => {
    await fakes.vault.saveRevocations([{ refreshToken: 'rt-queued', until: Date.now() + 60_000 }]);
    fakes.server.refreshTokens.add('rt-queued');
    fakes.start();
    await until(() => revokedTokens().length === 1, 'the revocation');
    expect(revokedTokens()).toEqual(['rt-queued']);
    await until(() => fakes.vault.revocationSaves.at(-1)?.length === 0, 'the queue emptied');
    expect(await fakes.vault.loadRevocations()).toEqual([]);
  });

  it('drops a queued sign-out once the token would have expired, without sending it', async () => {
    await fakes.vault.saveRevocations([{ refreshToken: 'rt-old', until: Date.now() - 1 }]);
    fakes.start();
    await until(() => fakes.vault.revocationSaves.at(-1)?.length === 0, 'the queue emptied');
    expect(revokedTokens()).toEqual([]);
    expect(REVOCATION_RETRY_FOR_MS).toBe(30 * 24 * 3600 * 1000);
  });

  it('an answer that is not an outage ends the retries (a 400 will not change); a 503 does not', async () => {
    const kiosk = fakes.start();
    await kiosk.signIn();
    fakes.server.failRevocations(503);
    await kiosk.controller.signOut();
    await until(() => revokedTokens().length === 2, 'a retry after the 503', 60_000);
    fakes.server.failRevocations(400);
    await until(() => revokedTokens().length === 3, 'the next try', 60_000);
    await until(() => fakes.vault.revocationSaves.at(-1)?.length === 0, 'the queue emptied');
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(revokedTokens()).toHaveLength(3);
  });
});
