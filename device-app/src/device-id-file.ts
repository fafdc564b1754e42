/**
 * The device id (`core/device-id.ts`) on disk, for the apps with a place of their own: Electron
 * (its userData, beside the vault) and `pairgate login` (its config directory). One small file,
 * readable by its owner only, made on first use. Node only.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeviceId, newDeviceId } from './core/device-id';

export const DEVICE_ID_FILE = 'device-id';

/**
 * The id kept in `dir`, or a new one written there. When it cannot be written (a read-only
 * disk), the new id still serves this run; the next run makes another, which only means its
 * first pairing cannot replace this one's sign-in.
 */
export function loadOrCreateDeviceId(dir: string, log: (line: string) => void = () => undefined): string {
  const file = path.join(dir, DEVICE_ID_FILE);
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (isDeviceId(stored)) return stored;
  } catch {
    // none yet
  }
  const id = newDeviceId();
  const temporary = path.join(dir, `.${DEVICE_ID_FILE}.${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // 'wx': never write through a file (or link) someone put there first.
    writeFileSync(temporary, `${id}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(temporary, 0o600); // whatever the umask
    renameSync(temporary, file);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // the directory itself could not be made: nothing to remove
    }
    log(`could not keep the device id (${(error as NodeJS.ErrnoException).code ?? 'error'}); a new one is used next time`);
  }
  return id;
}
