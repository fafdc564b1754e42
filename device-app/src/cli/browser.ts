/**
 * Opening the system browser from the command line (RFC 8252 §6: the native app hands the
 * authorization request to the user's browser), and knowing when there is none to open — a
 * headless box, an SSH session — so the device flow is used instead.
 *
 *   1. `PAIRGATE_BROWSER_COMMAND`: a program and its arguments (split on spaces, no shell); the
 *      URL is added as the last argument, or replaces `%s`. For a browser of your choice, and
 *      for the end-to-end tests, which route it to Chromium.
 *   2. `BROWSER` (the common convention): the first of its `:`-separated commands, same rules.
 *   3. The platform's opener: `open` (macOS), `rundll32 url.dll,FileProtocolHandler` (Windows),
 *      `xdg-open` (elsewhere, when on PATH and a display is set: DISPLAY or WAYLAND_DISPLAY).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface BrowserCommand {
  program: string;
  args: string[];
  /** Where it came from, for the message when it fails. */
  source: 'PAIRGATE_BROWSER_COMMAND' | 'BROWSER' | 'system';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether `name` is a program on PATH. */
export function onPath(name: string, env: Readonly<Record<string, string | undefined>>): boolean {
  if (name.includes('/')) return isExecutable(name);
  return (env.PATH ?? '').split(path.delimiter).some((dir) => dir && isExecutable(path.join(dir, name)));
}

function parseCommand(text: string, source: BrowserCommand['source']): BrowserCommand | undefined {
  const [program, ...args] = text.trim().split(/\s+/).filter(Boolean);
  return program ? { program, args, source } : undefined;
}

/** The browser command to use, or undefined when no browser can be opened here. */
export function findBrowserCommand(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
  exists: (name: string) => boolean = (name) => onPath(name, env),
): BrowserCommand | undefined {
  const configured = env.PAIRGATE_BROWSER_COMMAND;
  if (configured?.trim()) return parseCommand(configured, 'PAIRGATE_BROWSER_COMMAND');
  const browser = env.BROWSER?.split(':').find((entry) => entry.trim());
  if (browser) return parseCommand(browser, 'BROWSER');
  switch (platform) {
    case 'darwin':
      return { program: 'open', args: [], source: 'system' };
    case 'win32':
      return { program: 'rundll32', args: ['url.dll,FileProtocolHandler'], source: 'system' };
    default:
      // No display (a server, an SSH session): xdg-open would find no browser, or a text one.
      if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
      return exists('xdg-open') ? { program: 'xdg-open', args: [], source: 'system' } : undefined;
  }
}

/** Starts the browser command on `url`; resolves once it has started, rejects if it cannot. */
export function openWith(command: BrowserCommand, url: string): Promise<void> {
  const args = command.args.some((a) => a.includes('%s')) ? command.args.map((a) => a.replaceAll('%s', url)) : [...command.args, url];
  return new Promise((resolve, reject) => {
    // No shell: the URL is one argument, whatever it contains.
    const child = spawn(command.program, args, { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
