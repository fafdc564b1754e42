/**
 * The one IPC contract between Electron main and the renderer; both sides import it. Channel
 * names and payload types live together so a change to one is a type error on the other side.
 * Payloads are view states and commands only: no token ever crosses (the controller is in main).
 */
import type { Command, ViewState } from './core/view-state';

export const Channel = {
  /** renderer → main (invoke): the current view state. */
  getState: 'pairgate:get-state',
  /** renderer → main (invoke): a command (restart, sign out; desktop mode: sign in, cancel). */
  command: 'pairgate:command',
  /** main → renderer (send): every new view state. */
  state: 'pairgate:state',
} as const;

/** Request/response channels: what the renderer sends and what main answers. */
export interface InvokeChannels {
  [Channel.getState]: { args: []; result: ViewState };
  [Channel.command]: { args: [command: Command]; result: void };
}

/** Channels main pushes on. */
export interface EventChannels {
  [Channel.state]: ViewState;
}

/**
 * The part of Electron's `ipcRenderer` the preload uses, as a structural type, so the preload's
 * API (and the renderer type derived from it) can be checked without Electron's Node typings.
 */
export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** A typed `invoke`. */
export function invoke<C extends keyof InvokeChannels>(
  ipc: RendererIpc,
  channel: C,
  ...args: InvokeChannels[C]['args']
): Promise<InvokeChannels[C]['result']> {
  return ipc.invoke(channel, ...args) as Promise<InvokeChannels[C]['result']>;
}
