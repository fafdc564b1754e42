/**
 * Where a signed-in session survives a restart. Only the refresh token is worth keeping (access
 * tokens are short-lived and re-obtained with it), plus who it belongs to, for the screen.
 */
export interface StoredSession {
  refreshToken: string;
  name: string | null;
  sub: string | null;
}

export type SaveResult =
  | { stored: true }
  /** The vault would not keep it; the session lives in memory until the app quits. */
  | { stored: false; reason: 'plaintext-refused' | 'unavailable' };

export interface TokenVault {
  load(): Promise<StoredSession | undefined>;
  save(session: StoredSession): Promise<SaveResult>;
  clear(): Promise<void>;
}

/**
 * The web host's vault: memory only. A web page has no storage an attacker with the same origin
 * (or a later visitor of a shared kiosk browser) could not read, so nothing is written down.
 */
export class MemoryVault implements TokenVault {
  #session: StoredSession | undefined;

  async load(): Promise<StoredSession | undefined> {
    return this.#session;
  }

  async save(session: StoredSession): Promise<SaveResult> {
    this.#session = { ...session };
    return { stored: true };
  }

  async clear(): Promise<void> {
    this.#session = undefined;
  }
}
