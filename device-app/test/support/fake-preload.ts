/**
 * The built renderer page as Electron shows it (from file://), with a stand-in for the preload's
 * `window.pairgate` that records commands and lets a test push view states, as main would over
 * IPC. For screen tests that need a given state without a server behind it.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { ViewState } from '../../src/core/view-state';
import { artifactsDir } from './kiosk';

export const rendererPage = pathToFileURL(path.join(artifactsDir, '..', 'dist', 'renderer', 'index.html')).href;

/** Runs in the page before the renderer: the preload's API, backed by the test. */
function installFakePreload(initial: unknown) {
  const listeners: ((state: unknown) => void)[] = [];
  const commands: string[] = [];
  let state = initial;
  const record = (name: string) => async () => {
    commands.push(name);
  };
  Object.assign(window, {
    pairgate: {
      getState: async () => state,
      onState: (listener: (s: unknown) => void) => {
        listeners.push(listener);
        return () => undefined;
      },
      signIn: record('sign-in'),
      cancel: record('cancel'),
      restart: record('restart'),
      signOut: record('sign-out'),
    },
    __commands: commands,
    __push: (next: unknown) => {
      state = next;
      for (const listener of listeners) listener(next);
    },
  });
}

/** Opens the renderer in `tab` showing `initial`; returns how to push states and read commands. */
export async function openWithFakePreload(tab: Page, initial: ViewState) {
  await tab.addInitScript(installFakePreload, initial);
  await tab.goto(rendererPage);
  return {
    push: (state: ViewState) => tab.evaluate((s) => (window as unknown as { __push(s: unknown): void }).__push(s), state),
    commands: () => tab.evaluate(() => (window as unknown as { __commands: string[] }).__commands.slice()),
  };
}
