/**
 * The web host: the controller runs in the page itself, with tokens in memory only (a reload
 * forgets the sign-in; the device id the host gave the page makes the next pairing replace it at
 * the server). For TV web runtimes, `chromium --kiosk` on a small board, and the browser tests.
 * The page calls the authorization server directly, so its OAuth endpoints must answer CORS.
 */
import type { ClientConfig } from './client-config';
import { SessionController } from './controller';
import type { Host } from './host';
import type { FirstCode } from './pairing';
import { MemoryVault } from './vault';

export interface WebHost extends Host {
  stop(): void;
}

/**
 * `firstCode`: the code the web host put in the page (already on screen), to carry on with;
 * `deviceId`: this screen's id, from the host (its cookie).
 */
export function createWebHost(config: ClientConfig, firstCode?: FirstCode, deviceId?: string): WebHost {
  const controller = new SessionController({
    ...config,
    ...(firstCode ? { firstCode } : {}),
    ...(deviceId ? { deviceId } : {}),
    vault: new MemoryVault(),
    // Token-free lines only (see the controller); useful in a kiosk's remote devtools.
    log: (line) => console.info(`[pairgate] ${line}`),
  });
  void controller.start();
  return {
    getState: () => controller.getState(),
    subscribe: (listener) => controller.subscribe(listener),
    send: (command) => controller.dispatch(command),
    stop: () => controller.stop(),
  };
}
