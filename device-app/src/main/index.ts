/**
 * Electron main: `main()` takes the single-instance lock and waits for `ready`; `onReady()` calls
 * the `setupX()` modules in order. The session controller runs here, so tokens stay in this
 * process; the renderer only ever receives view states.
 */
import { app, net, session, type BrowserWindow } from 'electron';
import { ConfigError, clientConfigOf, loadConfig, type AppConfig } from '../config';
import { SessionController } from '../core/controller';
import { loadOrCreateDeviceId } from '../device-id-file';
import { setupBrowserHost } from './browser';
import { setupIpc } from './ipc';
import { appPaths } from './paths';
import { setupPowerSaveBlocker } from './power';
import { setupSecurity } from './security';
import { setupSingleInstance } from './single-instance';
import { setupVault } from './vault';
import { setupWindow } from './window';

export function main(argv: readonly string[], env: NodeJS.ProcessEnv, electronDir: string): void {
  let config: AppConfig;
  try {
    // Electron and Chromium accept switches of their own: unknown flags are not ours to refuse.
    config = loadConfig({ argv, env, strictFlags: false });
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : String(error));
    app.exit(2);
    return;
  }
  let window: BrowserWindow | undefined;
  if (!setupSingleInstance(() => window)) return;
  app.on('window-all-closed', () => app.quit());
  app
    .whenReady()
    .then(async () => {
      window = await onReady(config, electronDir);
    })
    .catch((error: unknown) => {
      console.error(`[pairgate] could not start: ${error instanceof Error ? error.message : String(error)}`);
      app.exit(1);
    });
}

export async function onReady(config: AppConfig, electronDir: string): Promise<BrowserWindow> {
  const paths = appPaths(electronDir);
  setupSecurity(app, session.defaultSession);
  const vault = setupVault(config);
  const log = (line: string) => console.log(`[pairgate] ${line}`);
  const controller = new SessionController({
    ...clientConfigOf(config),
    vault,
    // Kept beside the vault: pairing this screen again replaces its earlier sign-in.
    deviceId: loadOrCreateDeviceId(app.getPath('userData'), log),
    // Chromium's network stack: honours the system proxy and certificate store, like a browser.
    fetch: (url, init) => net.fetch(url, init),
    log,
    // Desktop mode: "Sign in with your browser" (RFC 8252), the tokens staying in this process.
    ...(config.mode === 'desktop' ? { mode: 'desktop' as const, browser: setupBrowserHost(config) } : {}),
  });
  const window = setupWindow(config, paths);
  setupIpc(controller, window, paths.pageUrl);
  setupPowerSaveBlocker(controller);
  app.on('before-quit', () => controller.stop());
  await controller.start();
  return window;
}
