/**
 * The token vault on disk, encrypted with Electron's `safeStorage` (DPAPI on Windows, Keychain
 * on macOS, the desktop's secret service on Linux). On Linux without a secret service,
 * `safeStorage` falls back to `basic_text`: a fixed, public key, i.e. plaintext in all but name.
 * There, and wherever encryption is unavailable, the refresh token is not written unless the
 * configuration says `allowPlaintextTokens`; the screen says the sign-in was not saved. Two
 * files in the app's userData, sealed alike: the session, and the refresh tokens of sign-outs
 * the server has not been told of yet (`core/revocations.ts`).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { app, safeStorage } from 'electron';
import type { PendingRevocation, SaveResult, StoredSession, TokenVault } from '../core/vault';

export type Protection = 'encrypted' | 'plaintext' | 'unavailable';

/** File layout: which protection was used, and the (possibly encrypted) JSON of the session. */
interface VaultFile {
  v: 1;
  protection: 'encrypted' | 'plaintext';
  data: string;
}

export const VAULT_FILE = 'session.json';
/** Beside the session: sign-outs still to be told to the server. */
export const REVOCATIONS_FILE = 'pending-revocations.json';

/** How well `safeStorage` can protect a secret on this machine right now. */
export function protection(platform: NodeJS.Platform = process.platform): Protection {
  if (!safeStorage.isEncryptionAvailable()) return 'unavailable';
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return 'plaintext';
  return 'encrypted';
}

export class SafeStorageVault implements TokenVault {
  readonly #file: string;
  readonly #revocationsFile: string;
  readonly #allowPlaintext: boolean;
  readonly #platform: NodeJS.Platform;

  constructor(options: { file: string; allowPlaintext: boolean; platform?: NodeJS.Platform }) {
    this.#file = options.file;
    this.#revocationsFile = path.join(path.dirname(options.file), REVOCATIONS_FILE);
    this.#allowPlaintext = options.allowPlaintext;
    this.#platform = options.platform ?? process.platform;
  }

  async load(): Promise<StoredSession | undefined> {
    return this.#read(this.#file, parseSession);
  }

  async save(session: StoredSession): Promise<SaveResult> {
    return this.#write(this.#file, JSON.stringify(session));
  }

  async clear(): Promise<void> {
    rmSync(this.#file, { force: true });
  }

  async loadRevocations(): Promise<PendingRevocation[]> {
    return (await this.#read(this.#revocationsFile, parseRevocations)) ?? [];
  }

  async saveRevocations(pending: readonly PendingRevocation[]): Promise<SaveResult> {
    if (pending.length === 0) {
      rmSync(this.#revocationsFile, { force: true });
      return { stored: true };
    }
    return this.#write(this.#revocationsFile, JSON.stringify(pending));
  }

  async #read<T>(file: string, parse: (json: string) => T | undefined): Promise<T | undefined> {
    let sealed: VaultFile;
    try {
      sealed = JSON.parse(readFileSync(file, 'utf8')) as VaultFile;
    } catch {
      return undefined; // none yet, or unreadable: as if empty
    }
    try {
      if (sealed.protection === 'plaintext') {
        // Written while allowed; if it no longer is, the token is not trusted to disk any more.
        if (!this.#allowPlaintext) {
          rmSync(file, { force: true });
          return undefined;
        }
        return parse(Buffer.from(sealed.data, 'base64').toString('utf8'));
      }
      if (protection(this.#platform) === 'unavailable') return undefined;
      return parse(safeStorage.decryptString(Buffer.from(sealed.data, 'base64')));
    } catch {
      return undefined;
    }
  }

  async #write(file: string, json: string): Promise<SaveResult> {
    const level = protection(this.#platform);
    if (level !== 'encrypted' && !this.#allowPlaintext) {
      // Refuse, and drop whatever an earlier, permitted run left behind.
      rmSync(file, { force: true });
      return { stored: false, reason: level === 'plaintext' ? 'plaintext-refused' : 'unavailable' };
    }
    // basic_text "encrypts" with a public key, which protects nothing; store it as what it is,
    // marked plaintext, so a later run that no longer allows plaintext throws it away.
    const sealed: VaultFile =
      level === 'encrypted'
        ? { v: 1, protection: 'encrypted', data: safeStorage.encryptString(json).toString('base64') }
        : { v: 1, protection: 'plaintext', data: Buffer.from(json, 'utf8').toString('base64') };
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(sealed), { mode: 0o600 });
    renameSync(temporary, file); // atomic: a crash never leaves half a file
    return { stored: true };
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

function parseRevocations(json: string): PendingRevocation[] | undefined {
  const value = JSON.parse(json) as unknown;
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((item: Partial<PendingRevocation>) =>
    typeof item?.refreshToken === 'string' && item.refreshToken.length > 0 && typeof item.until === 'number' ? [{ refreshToken: item.refreshToken, until: item.until }] : [],
  );
}

export function setupVault(config: { allowPlaintextTokens: boolean }): SafeStorageVault {
  return new SafeStorageVault({ file: path.join(app.getPath('userData'), VAULT_FILE), allowPlaintext: config.allowPlaintextTokens });
}
