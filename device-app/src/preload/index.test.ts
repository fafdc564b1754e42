import { beforeEach, describe, expect, it, vi } from 'vitest';
import { contextBridge, ipcRenderer, resetElectron } from '../../test/support/electron';
import { Channel } from '../ipc';

vi.mock('electron', () => import('../../test/support/electron'));

describe('preload', () => {
  beforeEach(resetElectron);

  it('exposes named functions only, never ipcRenderer', async () => {
    await import('./index');
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, api] = contextBridge.exposeInMainWorld.mock.calls[0] as [string, Record<string, unknown>];
    expect(key).toBe('pairgate');
    expect(Object.keys(api).sort()).toEqual(['cancel', 'getState', 'onState', 'restart', 'signIn', 'signOut']);
    for (const value of Object.values(api)) {
      expect(typeof value).toBe('function');
      expect(value).not.toBe(ipcRenderer);
    }
    (api.signOut as () => void)();
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(Channel.command, { type: 'sign-out' });
  });
});
