/**
 * The one window. Locked down as the Electron security checklist asks
 * (https://www.electronjs.org/docs/latest/tutorial/security): isolated, sandboxed, no Node in the
 * page, nothing opened or navigated to, and full-screen kiosk on a kiosk.
 */
import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';
import type { AppConfig } from '../config';

/** The kiosk's background, so the window shows no white flash before the page paints. */
const BACKGROUND = '#0b0f14';

export function windowOptions(config: Pick<AppConfig, 'kiosk'>, preload: string): BrowserWindowConstructorOptions {
  return {
    kiosk: config.kiosk,
    width: 1280,
    height: 720,
    show: false,
    backgroundColor: BACKGROUND,
    autoHideMenuBar: true,
    title: 'Pairgate',
    webPreferences: {
      preload,
      // Checklist §3: the preload's world is separate from the page's.
      contextIsolation: true,
      // Checklist §4: the renderer (and the preload) run in Chromium's sandbox.
      sandbox: true,
      // Checklist §2: no Node.js in the page, nor in frames.
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      // Checklist §6–8: keep the same-origin policy, no mixed content, no experimental features.
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // Checklist §12: no <webview>.
      webviewTag: false,
      spellcheck: false,
      // A kiosk has no business opening devtools.
      devTools: !config.kiosk,
    },
  };
}

export function setupWindow(config: Pick<AppConfig, 'kiosk'>, paths: { page: string; preload: string }): BrowserWindow {
  const window = new BrowserWindow(windowOptions(config, paths.preload));
  // Checklist §14: the page opens no windows…
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // …and §13: never navigates away from itself (a link, a form, a script).
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  void window.loadFile(paths.page);
  return window;
}
