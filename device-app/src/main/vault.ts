/**
 * The token vault on disk, encrypted with Electron's `safeStorage` (DPAPI on Windows, Keychain
 * on macOS, the desktop's secret service on Linux). On Linux without a secret service,
 * `safeStorage` falls back to `basic_text`: a fixed, public key, i.e. plaintext in all but name.
 * There, and wherever encryption is unavailable, the refresh token is not written unless the
 * configuration says `allowPlaintextTokens`; the screen says the sign-in was not saved.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { app, safeStorage } from 'electron';
import type { SaveResult, StoredSession, TokenVault } from '../core/vault';

export type Protection = 'encrypted' | 'plaintext' | 'unavailable';

/** File layout: which protection was used, and the (possibly encrypted) JSON of the session. */
interface VaultFile {
  v: 1;
  protection: 'encrypted' | 'plaintext';
  data: string;
}

export const VAULT_FILE = 'session.json';

/** How well `safeStorage` can protect a secret on this machine right now. */
export function protection(platform: NodeJS.Platform = process.platform): Protection {
  if (!safeStorage.isEncryptionAvailable()) return 'unavailable';
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return 'plaintext';
  return 'encrypted';
}

export class SafeStorageVault implements TokenVault {
  readonly #file: string;
  readonly #allowPlaintext: boolean;
  readonly #platform: NodeJS.Platform;

  constructor(options: { file: string; allowPlaintext: boolean; platform?: NodeJS.Platform }) {
    this.#file = options.file;
    this.#allowPlaintext = options.allowPlaintext;
    this.#platform = options.platform ?? process.platform;
  }

  async load(): Promise<StoredSession | undefined> {
    let file: VaultFile;
    try {
      file = JSON.parse(readFileSync(this.#file, 'utf8')) as VaultFile;
    } catch {
      return undefined; // none yet, or unreadable: start from pairing
    }
    try {
      if (file.protection === 'plaintext') {
        // Written while allowed; if it no longer is, the token is not trusted to disk any more.
        if (!this.#allowPlaintext) {
          await this.clear();
          return undefined;
        }
        return parseSession(Buffer.from(file.data, 'base64').toString('utf8'));
      }
      if (protection(this.#platform) === 'unavailable') return undefined;
      return parseSession(safeStorage.decryptString(Buffer.from(file.data, 'base64')));
    } catch {
      return undefined;
    }
  }

  async save(session: StoredSession): Promise<SaveResult> {
    const level = protection(this.#platform);
    if (level !== 'encrypted' && !this.#allowPlaintext) {
      // Refuse, and drop whatever an earlier, permitted run left behind.
      await this.clear();
      return { stored: false, reason: level === 'plaintext' ? 'plaintext-refused' : 'unavailable' };
    }
    const json = JSON.stringify(session);
    // basic_text "encrypts" with a public key, which protects nothing; store it as what it is,
    // marked plaintext, so a later run that no longer allows plaintext throws it away.
    const file: VaultFile =
      level === 'encrypted'
        ? { v: 1, protection: 'encrypted', data: safeStorage.encryptString(json).toString('base64') }
        : { v: 1, protection: 'plaintext', data: Buffer.from(json, 'utf8').toString('base64') };
    mkdirSync(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(file), { mode: 0o600 });
    renameSync(temporary, this.#file); // atomic: a crash never leaves half a file
    return { stored: true };
  }

  async clear(): Promise<void> {
    rmSync(this.#file, { force: true });
  }
}

function parseSession(json: string): StoredSession | undefined {
  const value = JSON.parse(json) as Partial<StoredSession>;
  if (typeof value.refreshToken !== 'string' || value.refreshToken.length === 0) return undefined;
  return {
    refreshToken: value.refreshToken,
    name: typeof value.name === 'string' ? value.name : null,
    sub: typeof value.sub === 'string' ? value.sub : null,
  };
}

export function setupVault(config: { allowPlaintextTokens: boolean }): SafeStorageVault {
  return new SafeStorageVault({ file: path.join(app.getPath('userData'), VAULT_FILE), allowPlaintext: config.allowPlaintextTokens });
}
