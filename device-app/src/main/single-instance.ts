/**
 * One kiosk per machine: a second launch (a double-click, an autostart racing a service) would
 * request a second code and fight the first over the screen. It focuses the first instead.
 */
import { app, type BrowserWindow } from 'electron';

/** Returns false (and quits) when another instance already runs. Call before `ready`. */
export function setupSingleInstance(currentWindow: () => BrowserWindow | undefined): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    const window = currentWindow();
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  return true;
}
