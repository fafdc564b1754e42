/**
 * Main's side of the IPC contract (`../ipc.ts`). Every handler checks its sender first (Electron
 * security checklist §17): only the top frame of our own page may ask for anything. Payloads are
 * validated as if hostile, and what goes back is view state — never a token.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import type { SessionController } from '../core/controller';
import { isCommand } from '../core/view-state';
import { Channel } from '../ipc';

/** Whether `frame` is the top frame of the page at `pageUrl` (query and fragment ignored). */
export function isTrustedSender(frame: WebFrameMain | null | undefined, pageUrl: string): boolean {
  // A frame that navigated away or was destroyed since sending comes through as null.
  if (!frame || frame.parent !== null) return false;
  try {
    const url = new URL(frame.url);
    url.search = '';
    url.hash = '';
    return url.href === pageUrl;
  } catch {
    return false;
  }
}

export class UntrustedSenderError extends Error {
  override readonly name = 'UntrustedSenderError';
}

export function setupIpc(
  controller: Pick<SessionController, 'getState' | 'subscribe' | 'dispatch'>,
  window: BrowserWindow,
  pageUrl: string,
): () => void {
  const check = (event: IpcMainInvokeEvent) => {
    if (!isTrustedSender(event.senderFrame, pageUrl)) throw new UntrustedSenderError('Refused: the sender is not the Pairgate page.');
  };
  ipcMain.handle(Channel.getState, (event) => {
    check(event);
    return controller.getState();
  });
  ipcMain.handle(Channel.command, (event, command: unknown) => {
    check(event);
    if (!isCommand(command)) throw new TypeError('Refused: not a Pairgate command.');
    controller.dispatch(command);
  });
  const unsubscribe = controller.subscribe((state) => {
    if (!window.isDestroyed()) window.webContents.send(Channel.state, state);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(Channel.getState);
    ipcMain.removeHandler(Channel.command);
  };
}
