import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { app, resetElectron, safeStorage } from '../../test/support/electron';
import { REVOCATIONS_FILE, SafeStorageVault, VAULT_FILE, setupVault } from './vault';

vi.mock('electron', () => import('../../test/support/electron'));

const session = { refreshToken: 'rt-secret-value', name: 'Ada', sub: 'user-1' };

describe('SafeStorageVault', () => {
  let file: string;
  beforeEach(() => {
    resetElectron();
    file = path.join(app.userData, VAULT_FILE);
  });

  it('stores the session encrypted with safeStorage and reads it back', async () => {
    const vault = setupVault({ allowPlaintextTokens: false });
    expect(await vault.save(session)).toEqual({ stored: true });
    expect(safeStorage.encryptString).toHaveBeenCalled();
    expect(readFileSync(file, 'utf8')).not.toContain('rt-secret-value');
    expect(await vault.load()).toEqual(session);
    await vault.clear();
    expect(existsSync(file)).toBe(false);
    expect(await vault.load()).toBeUndefined();
  });

  it('refuses to store a refresh token when Linux only has basic_text, unless allowed', async () => {
    safeStorage.getSelectedStorageBackend.mockReturnValue('basic_text');
    const vault = new SafeStorageVault({ file, allowPlaintext: false, platform: 'linux' });
    expect(await vault.save(session)).toEqual({ stored: false, reason: 'plaintext-refused' });
    expect(existsSync(file)).toBe(false);
    expect(safeStorage.encryptString).not.toHaveBeenCalled();
  });

  it('refuses when encryption is unavailable, unless allowed', async () => {
    safeStorage.isEncryptionAvailable.mockReturnValue(false);
    const vault = new SafeStorageVault({ file, allowPlaintext: false, platform: 'linux' });
    expect(await vault.save(session)).toEqual({ stored: false, reason: 'unavailable' });
    expect(existsSync(file)).toBe(false);
  });

  it('stores plaintext when the configuration allows it, and forgets it once it no longer does', async () => {
    safeStorage.getSelectedStorageBackend.mockReturnValue('basic_text');
    const allowed = new SafeStorageVault({ file, allowPlaintext: true, platform: 'linux' });
    expect(await allowed.save(session)).toEqual({ stored: true });
    expect(await allowed.load()).toEqual(session);
    const notAllowed = new SafeStorageVault({ file, allowPlaintext: false, platform: 'linux' });
    expect(await notAllowed.load()).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });

  it('basic_text is only a concern on Linux', async () => {
    safeStorage.getSelectedStorageBackend.mockReturnValue('basic_text');
    const vault = new SafeStorageVault({ file, allowPlaintext: false, platform: 'darwin' });
    expect(await vault.save(session)).toEqual({ stored: true });
  });

  it('treats a corrupt file as no session', async () => {
    const vault = new SafeStorageVault({ file, allowPlaintext: false, platform: 'linux' });
    await vault.save(session);
    safeStorage.decryptString.mockImplementationOnce(() => {
      throw new Error('bad');
    });
    expect(await vault.load()).toBeUndefined();
  });

  it('keeps sign-outs still to be told to the server beside the session, sealed the same way, across a restart', async () => {
    const pending = [{ refreshToken: 'rt-offline-sign-out', until: 1_900_000_000_000 }];
    const vault = setupVault({ allowPlaintextTokens: false });
    expect(await vault.loadRevocations()).toEqual([]);
    expect(await vault.saveRevocations(pending)).toEqual({ stored: true });
    const revocationsFile = path.join(app.userData, REVOCATIONS_FILE);
    expect(readFileSync(revocationsFile, 'utf8')).not.toContain('rt-offline-sign-out');
    // Clearing the session (the sign-out itself) leaves the queue alone.
    await vault.clear();
    const restarted = setupVault({ allowPlaintextTokens: false });
    expect(await restarted.loadRevocations()).toEqual(pending);
    expect(await restarted.saveRevocations([])).toEqual({ stored: true });
    expect(existsSync(revocationsFile)).toBe(false);
  });

  it('refuses to write queued sign-outs in plaintext unless allowed, like the session', async () => {
    safeStorage.getSelectedStorageBackend.mockReturnValue('basic_text');
    const vault = new SafeStorageVault({ file, allowPlaintext: false, platform: 'linux' });
    expect(await vault.saveRevocations([{ refreshToken: 'rt-x', until: 1 }])).toEqual({ stored: false, reason: 'plaintext-refused' });
    expect(existsSync(path.join(app.userData, REVOCATIONS_FILE))).toBe(false);
  });
});
