/** Runs `pairgate` (bin/pairgate.mjs) as a child process, for the CLI's end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PAIRGATE_BIN = path.join(appDir, 'bin', 'pairgate.mjs');
export const BROWSER_COMMAND_SCRIPT = path.join(appDir, 'test', 'support', 'browser-command.mjs');

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr (where the CLI talks to the person). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exit: Promise<number | null>;
}

export function startCli(args: string[], env: Record<string, string>): RunningCli {
  // A clean environment: no display and no BROWSER, so only what the test sets opens anything.
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DISPLAY|WAYLAND_DISPLAY|BROWSER|PAIRGATE_.*|XDG_CONFIG_HOME)$/.test(key)));
  const child = spawn(process.execPath, [PAIRGATE_BIN, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    waitForStderr(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = stderr.match(pattern);
          if (!match) return false;
          cleanup();
          resolve(match);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`pairgate did not print ${pattern} in ${timeoutMs} ms:\n${stderr}`));
        }, timeoutMs);
        const onExit = () => {
          if (!check()) {
            cleanup();
            reject(new Error(`pairgate exited before printing ${pattern}:\n${stderr}`));
          }
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.stderr?.off('data', check);
          child.off('exit', onExit);
        };
        if (check()) return;
        child.stderr?.on('data', check);
        child.once('exit', onExit);
      });
    },
  };
}
