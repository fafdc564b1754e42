/**
 * Where a signed-in session survives a restart. Only the refresh token is worth keeping (access
 * tokens are short-lived and re-obtained with it), plus who it belongs to, for the screen. Also
 * the sign-outs the server has not heard of yet (signed out while it could not be reached), so
 * a restart does not forget to tell it.
 */
export interface StoredSession {
  refreshToken: string;
  name: string | null;
  sub: string | null;
}

/** A refresh token this device signed out of while the server was away: revoked as soon as it answers. */
export interface PendingRevocation {
  refreshToken: string;
  /** When to stop trying (epoch ms): by then the server has let the token expire by itself. */
  until: number;
}

export type SaveResult =
  | { stored: true }
  /** The vault would not keep it; it lives in memory until the app quits. */
  | { stored: false; reason: 'plaintext-refused' | 'unavailable' };

export interface TokenVault {
  load(): Promise<StoredSession | undefined>;
  save(session: StoredSession): Promise<SaveResult>;
  clear(): Promise<void>;
  loadRevocations(): Promise<PendingRevocation[]>;
  /** Replaces the list (an empty one removes it). */
  saveRevocations(pending: readonly PendingRevocation[]): Promise<SaveResult>;
}

/**
 * The web host's vault: memory only. A web page has no storage an attacker with the same origin
 * (or a later visitor of a shared kiosk browser) could not read, so nothing is written down: a
 * reload forgets the sign-in, and a sign-out still waiting for the server.
 */
export class MemoryVault implements TokenVault {
  #session: StoredSession | undefined;
  #revocations: PendingRevocation[] = [];

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

  async loadRevocations(): Promise<PendingRevocation[]> {
    return this.#revocations.map((pending) => ({ ...pending }));
  }

  async saveRevocations(pending: readonly PendingRevocation[]): Promise<SaveResult> {
    this.#revocations = pending.map((p) => ({ ...p }));
    return { stored: true };
  }
}
