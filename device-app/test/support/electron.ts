/**
 * A stand-in for the `electron` module (`vi.mock('electron', () => import(…this file…))`): no
 * Electron runtime can run on our machines. It records what main asks of Electron, so tests can
 * assert window settings, handlers, IPC registrations, safeStorage use and power-save blocking.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener) {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

export class FakeWebContents extends Emitter {
  windowOpenHandler: Listener | undefined;
  readonly sent: [string, unknown][] = [];
  setWindowOpenHandler(handler: Listener) {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
}

export class BrowserWindow extends Emitter {
  static readonly instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loadFile = vi.fn(async (_file: string) => undefined);
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.instances.push(this);
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  show() {}
}

export const ipcMain = {
  handlers: new Map<string, Listener>(),
  handle(channel: string, handler: Listener) {
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  },
};

export const safeStorage = {
  isEncryptionAvailable: vi.fn(() => true),
  getSelectedStorageBackend: vi.fn((): string => 'gnome_libsecret'),
  // Reversible but not plaintext, so a test can tell encrypted bytes from clear ones.
  encryptString: vi.fn((text: string) => Buffer.from(`enc:${Buffer.from(text).toString('hex')}`)),
  decryptString: vi.fn((data: Buffer) => Buffer.from(data.toString().slice(4), 'hex').toString()),
};

let nextBlocker = 1;
export const powerSaveBlocker = {
  active: new Set<number>(),
  start: vi.fn((_type: string) => {
    const id = nextBlocker++;
    powerSaveBlocker.active.add(id);
    return id;
  }),
  stop: vi.fn((id: number) => {
    powerSaveBlocker.active.delete(id);
  }),
};

export const app = Object.assign(new Emitter(), {
  isPackaged: false,
  userData: mkdtempSync(path.join(tmpdir(), 'pairgate-electron-')),
  requestSingleInstanceLock: vi.fn(() => true),
  quit: vi.fn(),
  exit: vi.fn(),
  getPath: vi.fn((_name: string) => app.userData),
  whenReady: () => Promise.resolve(),
});

export class FakeSession {
  permissionRequestHandler: Listener | undefined;
  permissionCheckHandler: Listener | undefined;
  setPermissionRequestHandler(handler: Listener) {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Listener) {
    this.permissionCheckHandler = handler;
  }
}

export const session = { defaultSession: new FakeSession() };
export const net = { fetch: vi.fn() };
/** `openExternal` resolves by default; a test routes it to a real browser with `mockImplementation`. */
export const shell = { openExternal: vi.fn(async (_url: string, _options?: unknown) => undefined) };
export const contextBridge = { exposeInMainWorld: vi.fn() };
export const ipcRenderer = { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() };

export function resetElectron(): void {
  BrowserWindow.instances.length = 0;
  ipcMain.handlers.clear();
  powerSaveBlocker.active.clear();
  app.listeners.clear();
  app.userData = mkdtempSync(path.join(tmpdir(), 'pairgate-electron-'));
  session.defaultSession = new FakeSession();
  vi.clearAllMocks();
  safeStorage.isEncryptionAvailable.mockImplementation(() => true);
  safeStorage.getSelectedStorageBackend.mockImplementation(() => 'gnome_libsecret');
  app.requestSingleInstanceLock.mockImplementation(() => true);
  shell.openExternal.mockImplementation(async () => undefined);
}

export default { BrowserWindow, ipcMain, safeStorage, powerSaveBlocker, app, session, net, shell, contextBridge, ipcRenderer };
