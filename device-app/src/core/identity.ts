/**
 * Who signed in, for the screen: the verified ID token's `name` (OIDC Core §3.1.3.7), else
 * /userinfo (§5.3), else nobody in particular ("Signed in"). A name is never a reason to refuse a
 * sign-in; an ID token that does not verify always is.
 */
import { processUserInfoResponse, userInfoRequest, type AuthorizationServerMetadata, type IdTokenClaims, type TokenResponse } from '@pairgate/shared';
import type { Connection } from './connection';
import { describeError, type Log } from './diagnostics';
import type { IdTokenVerifier } from './id-token-verifier';

export interface Identity {
  /** Display name; null when the server gave none. */
  name: string | null;
  /** The subject (OIDC Core §2), to check later ID tokens against; null when unknown. */
  sub: string | null;
}

export interface IdentifyOptions {
  /** The subject of the session being refreshed: a new ID token must be about the same person. */
  previousSub?: string | null;
  /** An ID token the caller already verified (with its nonce, in the browser flow). */
  verified?: IdTokenClaims | undefined;
}

export class Identities {
  readonly #connection: Connection;
  readonly #verifier: IdTokenVerifier;
  readonly #log: Log;

  constructor(deps: { connection: Connection; verifier: IdTokenVerifier; log: Log }) {
    this.#connection = deps.connection;
    this.#verifier = deps.verifier;
    this.#log = deps.log;
  }

  /** Throws when the ID token does not verify, or (after a refresh) is about someone else. */
  async identify(tokens: TokenResponse, metadata: AuthorizationServerMetadata, signal: AbortSignal, options: IdentifyOptions = {}): Promise<Identity> {
    const previousSub = options.previousSub ?? null;
    let sub: string | null = null;
    if (options.verified || (tokens.id_token && metadata.jwks_uri)) {
      const claims = options.verified ?? (await this.#verifier.verify(tokens.id_token as string, metadata, signal));
      // OIDC Core §12.2: an ID token from a refresh must be about the same person.
      if (previousSub !== null && claims.sub !== previousSub) throw new Error('The refreshed ID token is about someone else.');
      sub = claims.sub;
      if (typeof claims.name === 'string' && claims.name.length > 0) return { name: claims.name, sub };
    }
    if (metadata.userinfo_endpoint) {
      try {
        // §5.3.2: the userinfo `sub` must be the ID token's.
        const info = await processUserInfoResponse(
          await userInfoRequest(metadata, tokens.access_token, this.#connection.requestOptions(signal)),
          sub ?? previousSub ?? undefined,
        );
        const name = typeof info.name === 'string' && info.name ? info.name : typeof info.email === 'string' && info.email ? info.email : null;
        return { name, sub: info.sub };
      } catch (error) {
        if (signal.aborted) throw error;
        this.#log(`userinfo failed: ${describeError(error)}`);
      }
    }
    return { name: null, sub };
  }

  /** Fetches the server's signing keys ahead of an approval (a failure is retried when a token arrives). */
  prefetchKeys(metadata: AuthorizationServerMetadata, signal: AbortSignal): void {
    this.#verifier.prefetch(metadata, signal).catch((error: unknown) => {
      if (!signal.aborted) this.#log(`could not fetch the signing keys ahead: ${describeError(error)}`);
    });
  }

  /** The browser flow verifies its ID token itself, with the nonce it sent (OIDC Core §3.1.3.7 item 11). */
  verifyWithNonce(idToken: string, metadata: AuthorizationServerMetadata, signal: AbortSignal, nonce: string): Promise<IdTokenClaims> {
    return this.#verifier.verify(idToken, metadata, signal, nonce);
  }
}
