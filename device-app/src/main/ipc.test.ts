import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, ipcMain, resetElectron } from '../../test/support/electron';
import type { ViewState } from '../core/view-state';
import { Channel } from '../ipc';
import { isTrustedSender, setupIpc } from './ipc';

vi.mock('electron', () => import('../../test/support/electron'));

const pageUrl = 'file:///opt/pairgate/dist/renderer/index.html';
const view: ViewState = { screen: 'pairing', status: 'connecting', code: null, match: null, failure: null, notice: null };

function frame(url: string, parent: unknown = null) {
  return { url, parent };
}

describe('IPC', () => {
  let controller: { getState: () => ViewState; subscribe: ReturnType<typeof vi.fn>; dispatch: ReturnType<typeof vi.fn> };
  let listener: ((state: ViewState) => void) | undefined;
  let window: BrowserWindow;

  beforeEach(() => {
    resetElectron();
    listener = undefined;
    controller = {
      getState: () => view,
      subscribe: vi.fn((l: (state: ViewState) => void) => {
        listener = l;
        return () => undefined;
      }),
      dispatch: vi.fn(),
    };
    window = new BrowserWindow({});
    setupIpc(controller as never, window as never, pageUrl);
  });

  const invoke = (channel: string, senderFrame: unknown, ...args: unknown[]) => {
    const handler = ipcMain.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ senderFrame }, ...args);
  };

  it('answers our own page', () => {
    expect(invoke(Channel.getState, frame(pageUrl))).toEqual(view);
    invoke(Channel.command, frame(`${pageUrl}#x`), { type: 'sign-out' });
    expect(controller.dispatch).toHaveBeenCalledWith({ type: 'sign-out' });
  });

  it('refuses a foreign frame, a subframe, and a destroyed frame', () => {
    for (const sender of [frame('https://evil.example/'), frame('file:///tmp/other.html'), frame(pageUrl, frame(pageUrl)), null]) {
      expect(() => invoke(Channel.getState, sender)).toThrow(/not the Pairgate page/);
      expect(() => invoke(Channel.command, sender, { type: 'sign-out' })).toThrow(/not the Pairgate page/);
    }
    expect(controller.dispatch).not.toHaveBeenCalled();
  });

  it('refuses what is not a command', () => {
    for (const payload of [undefined, 'sign-out', { type: 'delete-everything' }, { type: 'restart', extra: 1 }]) {
      expect(() => invoke(Channel.command, frame(pageUrl), payload)).toThrow(/not a Pairgate command/);
    }
    expect(controller.dispatch).not.toHaveBeenCalled();
  });

  it('pushes every view state to the window', () => {
    listener?.({ screen: 'signed-in', name: 'Ada', signingOut: false, notice: null, devices: null });
    expect(window.webContents.sent).toEqual([[Channel.state, { screen: 'signed-in', name: 'Ada', signingOut: false, notice: null, devices: null }]]);
  });

  it('isTrustedSender compares the whole URL, not a prefix', () => {
    expect(isTrustedSender(frame(pageUrl) as never, pageUrl)).toBe(true);
    expect(isTrustedSender(frame(`${pageUrl}.evil.html`) as never, pageUrl)).toBe(false);
    expect(isTrustedSender(frame('not a url') as never, pageUrl)).toBe(false);
  });
});
