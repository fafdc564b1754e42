import type { Command, ViewState } from './view-state';

/**
 * What the renderer needs from whoever runs the controller: the current view, changes to it, and
 * a way to send commands. The web host implements it in the page; the Electron host implements it
 * over IPC (the controller then runs in main, and tokens never enter the renderer process).
 */
export interface Host {
  /** The latest view, or `null` before the first one has arrived (Electron, before IPC answers). */
  getState(): ViewState | null;
  subscribe(listener: (state: ViewState) => void): () => void;
  send(command: Command): void;
}
