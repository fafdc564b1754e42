/**
 * What the preload exposes to the renderer (`window.pairgate`): named functions only, never
 * `ipcRenderer` itself (Electron security checklist §20: a page with `ipcRenderer` could send
 * anything on any channel). The renderer's type of it is `PairgateApi`, derived from this object.
 */
import { Channel, invoke, type EventChannels, type RendererIpc } from '../ipc';
import type { ViewState } from '../core/view-state';

export function createApi(ipc: RendererIpc) {
  return {
    getState: (): Promise<ViewState> => invoke(ipc, Channel.getState),
    restart: (): Promise<void> => invoke(ipc, Channel.command, { type: 'restart' }),
    signOut: (): Promise<void> => invoke(ipc, Channel.command, { type: 'sign-out' }),
    /** Desktop mode: main opens the system browser; the renderer never sees the URL's answer. */
    signIn: (): Promise<void> => invoke(ipc, Channel.command, { type: 'sign-in' }),
    cancel: (): Promise<void> => invoke(ipc, Channel.command, { type: 'cancel' }),
    /** Calls `listener` with every new view state; returns the unsubscribe function. */
    onState(listener: (state: EventChannels[typeof Channel.state]) => void): () => void {
      const handler = (_event: unknown, state: unknown) => listener(state as EventChannels[typeof Channel.state]);
      ipc.on(Channel.state, handler);
      return () => {
        ipc.removeListener(Channel.state, handler);
      };
    },
  };
}

export type PairgateApi = ReturnType<typeof createApi>;

/** The global name the preload exposes it under. */
export const API_KEY = 'pairgate';
