/**
 * Signing in through the system browser: Authorization Code + PKCE for a native app
 * (RFC 8252, RFC 7636), as one step with no idea where it runs. Electron main and the CLI give it
 * a way to open a URL in the browser and a loopback listener (RFC 8252 §7.3); it makes the
 * verifier, state and nonce, checks what comes back (`state`, RFC 9207 `iss`), exchanges the
 * code with the verifier, and has the ID token verified with its nonce. It returns the tokens to
 * its caller only; the browser tab is told how it went, never what was issued.
 */
import {
  AuthorizationResponseError,
  CODE_CHALLENGE_METHOD,
  OAuthError,
  authorizationCodeGrantRequest,
  buildAuthorizationUrl,
  computeCodeChallenge,
  generateCodeVerifier,
  generateRandomToken,
  hasScope,
  processTokenResponse,
  validateAuthorizationResponse,
  type AuthorizationServerMetadata,
  type FetchLike,
  type IdTokenClaims,
  type OAuthClient,
  type TokenResponse,
} from '@pairgate/shared';

/** What the browser tab is told once the app has decided. */
export type TabOutcome = 'signed-in' | 'denied' | 'state-mismatch' | 'timeout' | 'failed';

/**
 * Why a browser sign-in ended without tokens, as a category the screen and the CLI can word;
 * never a server's free text.
 */
export type BrowserSignInFailure =
  /** The person (or the app) cancelled, before the browser came back. */
  | 'cancelled'
  /** Nobody came back from the browser in time (the listener closed). */
  | 'timeout'
  /** The person pressed Cancel on the consent screen, or the server said `access_denied`. */
  | 'denied'
  /** The server answered with another error (`invalid_scope`, `login_required`, …). */
  | 'refused'
  /** The answer did not carry our `state` (RFC 6749 §10.12): not our sign-in. */
  | 'state-mismatch'
  /** `iss` was missing or another issuer's (RFC 9207 §2.4). */
  | 'issuer-mismatch'
  /** The answer was malformed (no code, repeated parameters). */
  | 'invalid-response'
  /** The discovered authorization endpoint is not on the configured issuer's origin. */
  | 'untrusted-endpoint'
  /** The server has no authorization endpoint, or no S256 PKCE. */
  | 'unsupported'
  /** The browser could not be opened. */
  | 'browser-failed'
  /** The token endpoint refused the code (expired, used, wrong verifier) or this client. */
  | 'exchange-failed'
  /** The token endpoint could not be reached. */
  | 'unreachable'
  /** The ID token is missing, or does not verify, or carries another nonce. */
  | 'id-token-invalid';

export class BrowserSignInError extends Error {
  override readonly name = 'BrowserSignInError';
  constructor(
    readonly reason: BrowserSignInFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A listening loopback redirect endpoint (RFC 8252 §7.3) that takes one request. */
export interface LoopbackListener {
  /** `http://127.0.0.1:<port>/callback`. */
  readonly redirectUri: string;
  /** The URL of the one callback request; rejects with `BrowserSignInError` on time-out or cancel. */
  readonly callback: Promise<URL>;
  /** Answers the waiting tab with a page for `outcome`, then closes. */
  respond(outcome: TabOutcome): void;
  /** Stops listening (and ends a tab still waiting). Safe to call more than once. */
  close(): void;
}

/** Starts a listener; it stops by itself when `signal` aborts. */
export type LoopbackFactory = (signal: AbortSignal) => Promise<LoopbackListener>;

/** What the host gives the step: a browser and a loopback listener. */
export interface BrowserHost {
  /** Opens `url` in the system browser (RFC 8252 §6: not an embedded view). */
  openBrowser(url: string): Promise<void>;
  loopback: LoopbackFactory;
}

export type BrowserSignInProgress =
  /** The browser was sent to `authorizationUrl`; waiting for the person to come back. */
  | { stage: 'waiting'; authorizationUrl: string }
  /** The browser came back; checking the answer and redeeming the code. */
  | { stage: 'finishing' };

export interface BrowserSignInOptions extends BrowserHost {
  /** The configured issuer; the authorization endpoint must be on its origin. */
  issuer: string;
  metadata: AuthorizationServerMetadata;
  client: OAuthClient;
  scope: string;
  signal: AbortSignal;
  fetch?: FetchLike;
  /** Verifies an ID token (signature, iss, aud, exp) and its nonce; throws if it does not. */
  verifyIdToken(idToken: string, nonce: string): Promise<IdTokenClaims>;
  onProgress?(progress: BrowserSignInProgress): void;
  prompt?: string;
  loginHint?: string;
}

export interface BrowserSignInResult {
  tokens: TokenResponse;
  /** The verified ID token's claims, when `openid` was asked for. */
  claims: IdTokenClaims | undefined;
}

/** Whether `url` is on the issuer's origin: only such a URL is ever handed to the browser. */
export function isIssuerUrl(url: string, issuer: string): boolean {
  try {
    const target = new URL(url);
    const expected = new URL(issuer);
    return (target.protocol === 'https:' || target.protocol === 'http:') && target.origin === expected.origin && !target.username && !target.password;
  } catch {
    return false;
  }
}

/** Runs one browser sign-in to the end. Throws `BrowserSignInError`, or the signal's reason. */
export async function signInWithBrowser(options: BrowserSignInOptions): Promise<BrowserSignInResult> {
  const { metadata, client, signal } = options;
  const authorizationEndpoint = metadata.authorization_endpoint;
  if (!authorizationEndpoint) throw new BrowserSignInError('unsupported', 'The sign-in server has no authorization endpoint.');
  // RFC 7636 §4.3 + RFC 9700 §2.1.1: only S256; a server that says it cannot do it would
  // otherwise accept the request without any PKCE protection.
  const methods = metadata.code_challenge_methods_supported;
  if (methods !== undefined && !methods.includes(CODE_CHALLENGE_METHOD)) {
    throw new BrowserSignInError('unsupported', 'The sign-in server does not support S256 PKCE.');
  }
  if (!isIssuerUrl(authorizationEndpoint, options.issuer)) {
    throw new BrowserSignInError('untrusted-endpoint', 'The authorization endpoint is not on the configured issuer’s origin.');
  }

  // RFC 7636 §4.1: 256 bits of verifier; state (RFC 6749 §10.12) and nonce (OIDC Core §15.5.2) as unguessable.
  const verifier = generateCodeVerifier();
  const state = generateRandomToken(32);
  const nonce = generateRandomToken(32);
  const challenge = await computeCodeChallenge(verifier);
  signal.throwIfAborted();

  const listener = await options.loopback(signal);
  let outcome: TabOutcome = 'failed';
  try {
    const url = buildAuthorizationUrl(metadata, client, {
      redirect_uri: listener.redirectUri,
      scope: options.scope,
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: CODE_CHALLENGE_METHOD,
      ...(options.prompt ? { prompt: options.prompt } : {}),
      ...(options.loginHint ? { login_hint: options.loginHint } : {}),
    });
    try {
      await options.openBrowser(url.href);
    } catch (error) {
      throw new BrowserSignInError('browser-failed', 'The browser could not be opened.', { cause: error });
    }
    options.onProgress?.({ stage: 'waiting', authorizationUrl: url.href });

    const callbackUrl = await listener.callback;
    options.onProgress?.({ stage: 'finishing' });
    const { code } = checkResponse(metadata, callbackUrl, state, (tab) => (outcome = tab));

    let tokens: TokenResponse;
    try {
      // RFC 6749 §4.1.3: the same redirect_uri; RFC 7636 §4.5: the verifier proves it is us.
      tokens = await processTokenResponse(
        await authorizationCodeGrantRequest(
          metadata,
          client,
          { code, redirect_uri: listener.redirectUri, code_verifier: verifier },
          { signal, ...(options.fetch ? { fetch: options.fetch } : {}) },
        ),
      );
    } catch (error) {
      signal.throwIfAborted();
      if (error instanceof TypeError) throw new BrowserSignInError('unreachable', 'The sign-in server could not be reached.', { cause: error });
      throw new BrowserSignInError('exchange-failed', `The sign-in server did not accept the code${error instanceof OAuthError ? ` (${error.error})` : ''}.`, {
        cause: error,
      });
    }

    let claims: IdTokenClaims | undefined;
    if (hasScope(options.scope, 'openid')) {
      // OIDC Core §3.1.3.3: a token response to an openid request carries an ID token, and
      // §3.1.3.7 item 11: its nonce must be ours (the code was not injected from elsewhere).
      if (!tokens.id_token) throw new BrowserSignInError('id-token-invalid', 'The sign-in server sent no ID token.');
      try {
        claims = await options.verifyIdToken(tokens.id_token, nonce);
      } catch (error) {
        signal.throwIfAborted();
        throw new BrowserSignInError('id-token-invalid', 'The ID token did not verify.', { cause: error });
      }
    }
    outcome = 'signed-in';
    return { tokens, claims };
  } catch (error) {
    if (error instanceof BrowserSignInError && error.reason === 'timeout') outcome = 'timeout';
    throw error;
  } finally {
    listener.respond(outcome);
    listener.close();
  }
}

/** `validateAuthorizationResponse`, with its refusals turned into failures and tab outcomes. */
function checkResponse(metadata: AuthorizationServerMetadata, callbackUrl: URL, state: string, setTab: (tab: TabOutcome) => void): { code: string } {
  try {
    return validateAuthorizationResponse(metadata, callbackUrl, { state });
  } catch (error) {
    if (error instanceof AuthorizationResponseError) {
      switch (error.code) {
        case 'OAUTH_STATE_MISMATCH':
          setTab('state-mismatch');
          throw new BrowserSignInError('state-mismatch', error.message, { cause: error });
        case 'OAUTH_ISS_MISMATCH':
        case 'OAUTH_ISS_MISSING':
          throw new BrowserSignInError('issuer-mismatch', error.message, { cause: error });
        case 'OAUTH_INVALID_AUTHORIZATION_RESPONSE':
          throw new BrowserSignInError('invalid-response', error.message, { cause: error });
      }
    }
    if (error instanceof OAuthError) {
      if (error.error === 'access_denied') {
        setTab('denied');
        throw new BrowserSignInError('denied', 'Access was denied.', { cause: error });
      }
      throw new BrowserSignInError('refused', `The sign-in server refused the request (${error.error}).`, { cause: error });
    }
    throw error;
  }
}
