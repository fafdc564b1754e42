import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, FakeSession, app, resetElectron, session } from '../../test/support/electron';
import { setupSecurity } from './security';
import { setupWindow } from './window';

vi.mock('electron', () => import('../../test/support/electron'));

const paths = { page: '/app/dist/renderer/index.html', preload: '/app/dist/electron/preload.cjs' };

describe('the window', () => {
  beforeEach(resetElectron);

  it('is isolated, sandboxed, without Node, with web security, and loads our page', () => {
    setupWindow({ kiosk: true }, paths);
    const window = BrowserWindow.instances[0] as BrowserWindow;
    expect(window.options.webPreferences).toMatchObject({
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(window.loadFile).toHaveBeenCalledWith(paths.page);
  });

  it('is a kiosk window as configured', () => {
    setupWindow({ kiosk: true }, paths);
    setupWindow({ kiosk: false }, paths);
    expect(BrowserWindow.instances.map((w) => w.options.kiosk)).toEqual([true, false]);
  });

  it('denies every window.open and blocks navigation away', () => {
    setupWindow({ kiosk: true }, paths);
    const { webContents } = BrowserWindow.instances[0] as BrowserWindow;
    expect(webContents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    for (const event of ['will-navigate', 'will-redirect']) {
      const navigation = { preventDefault: vi.fn() };
      webContents.emit(event, navigation, 'https://evil.example/');
      expect(navigation.preventDefault, event).toHaveBeenCalled();
    }
  });
});

describe('session security', () => {
  beforeEach(resetElectron);

  it('denies every permission request and check', () => {
    setupSecurity(app as never, session.defaultSession as never);
    const fake = session.defaultSession as FakeSession;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      const callback = vi.fn();
      fake.permissionRequestHandler?.({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(fake.permissionCheckHandler?.({}, permission)).toBe(false);
    }
  });

  it('gives any other web contents the same rules: no webview, no windows, no navigation', () => {
    setupSecurity(app as never, session.defaultSession as never);
    const contents = new BrowserWindow({}).webContents;
    app.emit('web-contents-created', {}, contents);
    const attach = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', attach);
    expect(attach.preventDefault).toHaveBeenCalled();
    expect(contents.windowOpenHandler?.({ url: 'https://x.example/' })).toEqual({ action: 'deny' });
  });
});
