/**
 * The signed-in session: its tokens (which never leave this file, except the access token handed
 * to the devices list as a bearer and to the sign-in watch), the vault that keeps the refresh
 * token across restarts, refreshing one at a time (in the background before the access token
 * expires), and ending it (sign-out hands the refresh token to the revocation queue).
 */
import {
  OAuthError,
  backoffDelay,
  processTokenResponse,
  refreshTokenGrantRequest,
  type AuthorizationServerMetadata,
  type Sleep,
  type TokenResponse,
} from '@pairgate/shared';
import type { Connection } from './connection';
import { Cancelled, describeError, type Log } from './diagnostics';
import type { Identities, Identity } from './identity';
import type { RevocationQueue } from './revocations';
import type { SaveResult, StoredSession, TokenVault } from './vault';
import type { Notice } from './view-state';

/** What one refresh came to. */
export type RefreshOutcome = 'refreshed' | 'retry-later' | 'signed-out' | 'not-signed-in';

/** What the devices list may see of the session: the access token and what it was granted for. */
export interface Bearer {
  readonly accessToken: string;
  /** The scope granted with the access token (RFC 6749 §5.1); undefined: as requested (or unknown). */
  readonly scope: string | undefined;
}

interface Tokens extends Bearer {
  /** Empty for a session resumed from the vault until its first refresh. */
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** When the access token expires (epoch ms), when the server said. */
  readonly accessExpiresAt: number | undefined;
  /** When the access token was obtained, to refresh at a fraction of its lifetime. */
  readonly obtainedAt: number;
  readonly identity: Identity;
}

export interface SessionEvents {
  /** New tokens from a refresh: the name may have changed, the vault may have refused them. */
  refreshed(identity: Identity, notice: Notice | null): void;
  /**
   * The server says this sign-in is over (RFC 6749 §5.2 `invalid_grant` at a refresh: most
   * likely the person signed this device out from their phone). The handler `forget()`s it.
   */
  ended(): Promise<void>;
}

/** Refresh once this fraction of the access token's lifetime has passed: early enough that a
 * slow or failing refresh can be retried before the token expires. */
const REFRESH_AT_FRACTION = 0.8;
/** Failed background refreshes are retried from 5 s up to 5 minutes apart. */
const REFRESH_RETRY_BASE_MS = 5_000;
const REFRESH_RETRY_MAX_MS = 5 * 60_000;
/** Errors at the token endpoint that mean this refresh token will never work again. */
const REFRESH_REFUSED = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);

export class SessionKeeper {
  readonly #connection: Connection;
  readonly #identities: Identities;
  readonly #vault: TokenVault;
  readonly #revocations: RevocationQueue;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #log: Log;
  readonly #events: SessionEvents;
  #tokens: Tokens | undefined;
  #refreshing: Promise<RefreshOutcome> | undefined;

  constructor(deps: {
    connection: Connection;
    identities: Identities;
    vault: TokenVault;
    revocations: RevocationQueue;
    now: () => number;
    sleep: Sleep;
    log: Log;
    events: SessionEvents;
  }) {
    this.#connection = deps.connection;
    this.#identities = deps.identities;
    this.#vault = deps.vault;
    this.#revocations = deps.revocations;
    this.#now = deps.now;
    this.#sleep = deps.sleep;
    this.#log = deps.log;
    this.#events = deps.events;
  }

  /** The access token for an API call, or undefined when there is none (yet). */
  bearer(): Bearer | undefined {
    return this.#tokens?.accessToken ? this.#tokens : undefined;
  }

  /** A session the vault kept from an earlier run, taken up with no access token (the first refresh gets one). */
  async resume(): Promise<StoredSession | undefined> {
    const stored = await this.#vault.load().catch((error: unknown) => {
      this.#log(`could not read the vault: ${describeError(error)}`);
      return undefined;
    });
    if (stored) {
      const identity = { name: stored.name, sub: stored.sub };
      this.#tokens = { accessToken: '', refreshToken: stored.refreshToken, accessExpiresAt: 0, obtainedAt: 0, scope: undefined, identity };
    }
    return stored;
  }

  /** Takes up a new sign-in's tokens; what the vault refused is returned as a notice for the screen. */
  begin(tokens: TokenResponse, identity: Identity): Promise<Notice | null> {
    this.#tokens = this.#tokensOf(tokens, undefined, identity);
    return this.#persist();
  }

  /**
   * Refreshes the access token now (RFC 6749 §6). One refresh at a time: a call while one is in
   * flight gets that one's outcome, so a rotating refresh token is never presented twice (which
   * the server would treat as reuse and revoke the whole grant; RFC 9700 §4.14.2).
   */
  refresh(signal: AbortSignal): Promise<RefreshOutcome> {
    if (!this.#tokens?.refreshToken) return Promise.resolve('not-signed-in');
    this.#refreshing ??= this.#refreshOnce(signal).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Refreshes at 80 % of each access token's lifetime (at once when `now`), backing off on failures, until `signal` aborts. */
  async keepFresh(signal: AbortSignal, now: boolean): Promise<void> {
    let failures = 0;
    let due = now;
    for (;;) {
      const tokens = this.#tokens;
      if (!tokens?.refreshToken) return; // nothing to refresh with: stay signed in until told otherwise
      if (!due) {
        let delay: number;
        if (failures > 0) delay = backoffDelay(failures, REFRESH_RETRY_BASE_MS, REFRESH_RETRY_MAX_MS, Infinity);
        else if (tokens.accessExpiresAt === undefined) return; // no expiry given: used until the server rejects it
        else delay = Math.max(0, tokens.obtainedAt + (tokens.accessExpiresAt - tokens.obtainedAt) * REFRESH_AT_FRACTION - this.#now());
        await this.#sleep(delay, signal);
        if (signal.aborted) throw new Cancelled('refresh');
      }
      due = false;
      const outcome = await this.refresh(signal);
      if (signal.aborted) throw new Cancelled('refresh');
      if (outcome === 'refreshed') failures = 0;
      else if (outcome === 'retry-later') failures += 1;
      else return;
    }
  }

  /**
   * Sign-out: forgets the session and queues its refresh token for revocation at the server
   * (`revocations.ts`, RFC 7009), which is tried at once and, while the server cannot be
   * reached, again until it can — so the screen need not wait for the network.
   */
  async end(): Promise<void> {
    // Let a refresh in flight finish, so the token revoked is the latest one.
    await this.#refreshing?.catch(() => undefined);
    const refreshToken = this.#tokens?.refreshToken;
    this.#tokens = undefined;
    // Queued (and kept in the vault) before the session is cleared: never neither.
    if (refreshToken) await this.#revocations.add(refreshToken);
    await this.#clearVault();
  }

  /** Forgets the session without telling the server (it already knows: it ended it). */
  async forget(): Promise<void> {
    this.#tokens = undefined;
    await this.#clearVault();
  }

  async #refreshOnce(signal: AbortSignal): Promise<RefreshOutcome> {
    const before = this.#tokens;
    if (!before?.refreshToken) return 'not-signed-in';
    let metadata: AuthorizationServerMetadata;
    let tokens: TokenResponse;
    try {
      // Quietly: a failed discovery here must not put the pairing screen up over a signed-in one.
      metadata = await this.#connection.discover(signal);
      const options = this.#connection.requestOptions(signal);
      tokens = await processTokenResponse(await refreshTokenGrantRequest(metadata, this.#connection.client, before.refreshToken, options));
    } catch (error) {
      if (signal.aborted || this.#tokens !== before) return 'retry-later';
      if (error instanceof OAuthError && REFRESH_REFUSED.has(error.error)) {
        this.#log(`refresh refused: ${describeError(error)}; pairing again`);
        await this.#events.ended();
        return 'signed-out';
      }
      this.#log(`refresh failed, will retry: ${describeError(error)}`);
      return 'retry-later';
    }
    if (this.#tokens !== before) return 'retry-later';
    let identity = before.identity;
    if (tokens.id_token || !before.accessToken) {
      try {
        const found = await this.#identities.identify(tokens, metadata, signal, { previousSub: before.identity.sub });
        identity = { name: found.name ?? before.identity.name, sub: found.sub };
      } catch (error) {
        this.#log(`refreshed identity not accepted: ${describeError(error)}`);
      }
    }
    this.#tokens = this.#tokensOf(tokens, before, identity);
    const notice = await this.#persist();
    this.#events.refreshed(identity, notice);
    return 'refreshed';
  }

  #tokensOf(tokens: TokenResponse, before: Tokens | undefined, identity: Identity): Tokens {
    const now = this.#now();
    return {
      accessToken: tokens.access_token,
      // RFC 6749 §6: a new refresh token replaces the old one; none means keep using the old.
      refreshToken: tokens.refresh_token ?? before?.refreshToken,
      accessExpiresAt: tokens.expires_in === undefined ? undefined : now + tokens.expires_in * 1000,
      obtainedAt: now,
      // RFC 6749 §5.1: no scope in the answer means the one asked for — here, the grant's.
      scope: tokens.scope ?? before?.scope,
      identity,
    };
  }

  /** Saves the refresh token; what the vault refused becomes a notice on screen. */
  async #persist(): Promise<Notice | null> {
    const tokens = this.#tokens;
    if (!tokens?.refreshToken) return null;
    let result: SaveResult;
    try {
      result = await this.#vault.save({ refreshToken: tokens.refreshToken, name: tokens.identity.name, sub: tokens.identity.sub });
    } catch (error) {
      this.#log(`could not save the session: ${describeError(error)}`);
      return 'vault-unavailable';
    }
    if (result.stored) return null;
    return result.reason === 'plaintext-refused' ? 'vault-plaintext-refused' : 'vault-unavailable';
  }

  async #clearVault(): Promise<void> {
    await this.#vault.clear().catch((error: unknown) => this.#log(`could not clear the vault: ${describeError(error)}`));
  }
}
