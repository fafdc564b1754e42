/**
 * ID-token verification with the server's JWKS, fetched once and kept; fetched again once when
 * no key matches (keys rotate). Used by the session controller and the CLI. The controller
 * fetches the keys while a code is on screen (`prefetch`), so the moment of approval costs no
 * extra round trip.
 */
import { OAuthError, verifyIdToken, type AuthorizationServerMetadata, type FetchLike, type IdTokenClaims, type VerifyIdTokenOptions } from '@pairgate/shared';

type Jwks = VerifyIdTokenOptions['jwks'];

/** Kiosk and laptop clocks drift; OIDC Core §3.1.3.7 leaves the acceptable skew to the client. */
export const ID_TOKEN_CLOCK_TOLERANCE_SECONDS = 300;

export class IdTokenVerifier {
  readonly #clientId: string;
  readonly #fetch: FetchLike | undefined;
  readonly #now: () => number;
  #jwks: Jwks | undefined;
  /** A fetch under way (a prefetch), which a verification waits for instead of fetching again. */
  #fetching: Promise<Jwks> | undefined;

  constructor(options: { clientId: string; fetch?: FetchLike; now?: () => number }) {
    this.#clientId = options.clientId;
    this.#fetch = options.fetch;
    this.#now = options.now ?? Date.now;
  }

  /** OIDC Core §3.1.3.7; with `nonce`, the token must carry exactly that nonce. */
  async verify(idToken: string, metadata: AuthorizationServerMetadata, signal: AbortSignal, nonce?: string): Promise<IdTokenClaims> {
    const verify = (jwks: Jwks) =>
      verifyIdToken(idToken, {
        issuer: metadata.issuer,
        clientId: this.#clientId,
        jwks,
        clockTolerance: ID_TOKEN_CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(this.#now()),
        ...(nonce === undefined ? {} : { nonce }),
      });
    const cached = this.#jwks;
    try {
      return await verify(cached ?? (await this.#fetching?.catch(() => undefined)) ?? (await this.#fetchJwks(metadata, signal)));
    } catch (error) {
      // Keys rotate: with no matching key in a cached set, fetch the set once more.
      if (cached && (error as { code?: unknown }).code === 'ERR_JWKS_NO_MATCHING_KEY') return verify(await this.#fetchJwks(metadata, signal));
      throw error;
    }
  }

  /** Fetches the keys now unless they are kept already; failures are left for `verify` to meet. */
  async prefetch(metadata: AuthorizationServerMetadata, signal: AbortSignal): Promise<void> {
    if (this.#jwks || this.#fetching || !metadata.jwks_uri) return;
    this.#fetching = this.#fetchJwks(metadata, signal);
    try {
      await this.#fetching;
    } finally {
      this.#fetching = undefined;
    }
  }

  async #fetchJwks(metadata: AuthorizationServerMetadata, signal: AbortSignal): Promise<Jwks> {
    if (!metadata.jwks_uri) throw new TypeError('The server publishes no jwks_uri, so its ID tokens cannot be verified.');
    const fetch = this.#fetch ?? ((url: string, init: RequestInit) => globalThis.fetch(url, init));
    const response = await fetch(metadata.jwks_uri, { method: 'GET', headers: { Accept: 'application/json' }, signal });
    if (!response.ok) throw new OAuthError('server_error', `JWKS answered HTTP ${response.status}.`, { status: response.status });
    const body = (await response.json()) as unknown;
    if (typeof body !== 'object' || body === null || !Array.isArray((body as { keys?: unknown }).keys)) {
      throw new TypeError('The JWKS document has no "keys" array.');
    }
    this.#jwks = body as Jwks;
    return this.#jwks;
  }
}
