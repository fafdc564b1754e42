/**
 * The renderer's side of the Electron host: the controller runs in main; this turns the
 * preload's API (`window.pairgate`) into the same `Host` the web host provides.
 */
import type { Host } from '../core/host';
import type { ViewState } from '../core/view-state';
import { API_KEY, type PairgateApi } from '../preload/api';

/** The preload's API, when running in Electron. Its type is derived from the preload's object. */
export function electronApi(): PairgateApi | undefined {
  return (window as Window & { [API_KEY]?: PairgateApi })[API_KEY];
}

export function createElectronHost(api: PairgateApi): Host {
  let state: ViewState | null = null;
  const listeners = new Set<(state: ViewState) => void>();
  const publish = (next: ViewState) => {
    state = next;
    for (const listener of [...listeners]) listener(next);
  };
  api.onState(publish);
  void api.getState().then((initial) => {
    // A pushed state may have arrived first; it is the newer one.
    if (state === null) publish(initial);
  });
  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    send(command) {
      switch (command.type) {
        case 'restart':
          void api.restart();
          break;
        case 'sign-out':
          void api.signOut();
          break;
        case 'sign-in':
          void api.signIn();
          break;
        case 'cancel':
          void api.cancel();
          break;
      }
    },
  };
}
