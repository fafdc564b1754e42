/**
 * `pairgate login`: the browser flow (Authorization Code + PKCE with a loopback redirect,
 * RFC 8252) when a browser can be opened here, else the device flow (RFC 8628) with the URL, the
 * code and a QR code in the terminal. Tokens go to a 0600 file; the exit code says how it went.
 */
import { hostname } from 'node:os';
import {
  DeviceFlow,
  OAuthError,
  discover,
  formatUserCode,
  isTransient,
  type AuthorizationServerMetadata,
  type DeviceFlowResult,
  type FetchLike,
  type Sleep,
  type TokenResponse,
} from '@pairgate/shared';
import { ConfigError, type AppConfig } from '../config';
import { BrowserSignInError, signInWithBrowser, type LoopbackFactory } from '../core/desktop-sign-in';
import { IdTokenVerifier } from '../core/id-token-verifier';
import { loopbackFactory } from '../main/loopback';
import { loginConfig, type LoginArgs } from './args';
import { findBrowserCommand, openWith } from './browser';
import { Terminal, formatRemaining, type OutputStream } from './terminal';
import { configDir, savedTokens, writeTokenFile } from './token-file';

export const ExitCode = {
  signedIn: 0,
  /** Denied, expired, cancelled in the browser, refused, or failed. */
  notSignedIn: 1,
  /** Bad arguments or configuration, or a server that refuses this client. */
  usage: 2,
  /** Interrupted (Ctrl-C): 128 + SIGINT, as shells report it. */
  interrupted: 130,
} as const;

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  /** Only `--print-token` writes here. */
  stdout: OutputStream;
  /** Everything for the person. */
  stderr: OutputStream;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  fetch?: FetchLike;
  now?: () => number;
  sleep?: Sleep;
  platform?: NodeJS.Platform;
  home?: string;
  /** Opens a URL in a browser; default: `findBrowserCommand` (PAIRGATE_BROWSER_COMMAND, BROWSER, the OS's). */
  openBrowser?: (url: string) => Promise<void>;
  loopback?: LoopbackFactory;
  /** Milliseconds between countdown redraws on a terminal (default 1000). */
  tickMs?: number;
}

/** A failure with its exit code and a message safe to print (no token, no code). */
class LoginFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** OAuth errors that mean "this client or its configuration is wrong", not "try again". */
const CONFIGURATION_ERRORS = new Set(['invalid_client', 'unauthorized_client', 'invalid_scope', 'unsupported_grant_type', 'unsupported_response_type']);

function isConfigurationError(error: unknown): boolean {
  return error instanceof OAuthError && CONFIGURATION_ERRORS.has(error.error);
}

interface SignedIn {
  tokens: TokenResponse;
  clientId: string;
  sub?: string | undefined;
  name?: string | undefined;
}

export async function login(args: LoginArgs, io: CliIo): Promise<number> {
  const out = new Terminal(io.stderr);
  const now = io.now ?? Date.now;
  try {
    const browserCommand = io.openBrowser || args.device || args.noBrowser ? undefined : findBrowserCommand(io.env, io.platform);
    const openBrowser = args.device || args.noBrowser ? undefined : (io.openBrowser ?? (browserCommand ? (url: string) => openWith(browserCommand, url) : undefined));
    let config = loginConfig(args, io.env, openBrowser ? 'browser' : 'device');
    const metadata = await discoverOrFail(config, io);

    let result: SignedIn | undefined;
    if (openBrowser && metadata.authorization_endpoint) {
      result = await browserLogin(config, metadata, openBrowser, io, out);
    } else if (openBrowser) {
      out.line(`${config.issuer} does not offer sign-in in the browser; using a code instead.`);
    } else if (!args.device && !args.noBrowser) {
      out.line('No browser to open here; signing in with a code instead.');
    }
    if (!result) {
      config = loginConfig(args, io.env, 'device');
      result = await deviceLogin(config, metadata, io, out);
    }

    const file = writeTokenFile(
      configDir(io.env, io.platform, io.home),
      savedTokens(result.tokens, { issuer: config.issuer, clientId: result.clientId, now: now(), sub: result.sub, name: result.name }),
    );
    out.line(result.name ? `Signed in as ${result.name}.` : 'Signed in.');
    out.line(`Tokens saved to ${file}`);
    if (args.printToken) io.stdout.write(`${result.tokens.access_token}\n`);
    return ExitCode.signedIn;
  } catch (error) {
    out.endStatus();
    if (error instanceof ConfigError) {
      out.line(`pairgate: ${error.message}`);
      return ExitCode.usage;
    }
    if (error instanceof LoginFailure) {
      out.line(`pairgate: ${error.message}`);
      return error.exitCode;
    }
    if (io.signal.aborted) {
      out.line('pairgate: cancelled.');
      return ExitCode.interrupted;
    }
    // Unexpected: its name only — a message might echo a server's answer.
    out.line(`pairgate: the sign-in failed (${error instanceof Error ? error.name : typeof error}).`);
    return ExitCode.notSignedIn;
  }
}

async function discoverOrFail(config: AppConfig, io: CliIo): Promise<AuthorizationServerMetadata> {
  try {
    return await discover(config.issuer, { signal: io.signal, ...(io.fetch ? { fetch: io.fetch } : {}) });
  } catch (error) {
    if (io.signal.aborted) throw error;
    if (isTransient(error)) throw new LoginFailure(ExitCode.notSignedIn, `cannot reach ${config.issuer}; check the address and your connection.`);
    throw new LoginFailure(ExitCode.usage, `${config.issuer} is not an OAuth server this command can use (its discovery document is missing or invalid). Check --issuer.`);
  }
}

// ── The browser (RFC 8252) ───────────────────────────────────────────────────────────────────

async function browserLogin(
  config: AppConfig,
  metadata: AuthorizationServerMetadata,
  openBrowser: (url: string) => Promise<void>,
  io: CliIo,
  out: Terminal,
): Promise<SignedIn | undefined> {
  const verifier = new IdTokenVerifier({ clientId: config.clientId, ...(io.fetch ? { fetch: io.fetch } : {}), ...(io.now ? { now: io.now } : {}) });
  out.line('Opening your browser to sign in…');
  try {
    const { tokens, claims } = await signInWithBrowser({
      issuer: config.issuer,
      metadata,
      client: { client_id: config.clientId },
      scope: config.scope,
      signal: io.signal,
      ...(io.fetch ? { fetch: io.fetch } : {}),
      openBrowser,
      loopback: io.loopback ?? loopbackFactory,
      verifyIdToken: (idToken, nonce) => verifier.verify(idToken, metadata, io.signal, nonce),
      onProgress: (progress) => {
        switch (progress.stage) {
          case 'waiting':
            out.line('If it did not open, open this page yourself:');
            out.line(`  ${progress.authorizationUrl}`);
            out.status('Waiting for you to finish signing in in the browser (Ctrl-C to cancel)…');
            break;
          case 'finishing':
            out.status('Finishing sign-in…');
            break;
        }
      },
    });
    out.endStatus();
    return { tokens, clientId: config.clientId, sub: claims?.sub, name: typeof claims?.name === 'string' ? claims.name : undefined };
  } catch (error) {
    out.endStatus();
    if (io.signal.aborted || !(error instanceof BrowserSignInError)) throw error;
    const cause = error.cause;
    switch (error.reason) {
      case 'browser-failed':
        out.line(`Could not open a browser (${cause instanceof Error ? cause.message : 'unknown error'}); signing in with a code instead.`);
        return undefined;
      case 'unsupported':
        out.line(`${config.issuer} does not offer sign-in in the browser that this command can use; signing in with a code instead.`);
        return undefined;
      case 'cancelled':
        throw new LoginFailure(ExitCode.interrupted, 'cancelled.');
      case 'timeout':
        throw new LoginFailure(ExitCode.notSignedIn, 'nobody finished signing in in the browser within 5 minutes. Run `pairgate login` again.');
      case 'denied':
        throw new LoginFailure(ExitCode.notSignedIn, 'access was denied in the browser.');
      case 'state-mismatch':
        throw new LoginFailure(ExitCode.notSignedIn, 'the browser came back with an answer that does not belong to this sign-in (state mismatch), so it was refused. Run `pairgate login` again.');
      case 'issuer-mismatch':
        throw new LoginFailure(ExitCode.notSignedIn, `the answer in the browser did not come from ${config.issuer} (RFC 9207 "iss" missing or different), so it was refused.`);
      case 'invalid-response':
        throw new LoginFailure(ExitCode.notSignedIn, 'the browser came back with a malformed answer, so it was refused.');
      case 'untrusted-endpoint':
        throw new LoginFailure(ExitCode.usage, `the server's sign-in page is not on ${config.issuer}, so no browser was opened. Check --issuer.`);
      case 'refused':
        throw new LoginFailure(
          isConfigurationError(cause) ? ExitCode.usage : ExitCode.notSignedIn,
          `the server refused the sign-in (${cause instanceof OAuthError ? cause.error : 'error'}). Check --client-id and --scope.`,
        );
      case 'exchange-failed':
        throw new LoginFailure(
          isConfigurationError(cause) ? ExitCode.usage : ExitCode.notSignedIn,
          `the server did not accept the sign-in (${cause instanceof OAuthError ? cause.error : 'invalid response'}).`,
        );
      case 'unreachable':
        throw new LoginFailure(ExitCode.notSignedIn, `cannot reach ${config.issuer} to finish the sign-in.`);
      case 'id-token-invalid':
        throw new LoginFailure(ExitCode.notSignedIn, 'the sign-in could not be verified (ID token), so nothing was saved.');
    }
  }
}

// ── A code on another device (RFC 8628) ──────────────────────────────────────────────────────

async function deviceLogin(config: AppConfig, metadata: AuthorizationServerMetadata, io: CliIo, out: Terminal): Promise<SignedIn> {
  if (!metadata.device_authorization_endpoint) {
    throw new LoginFailure(ExitCode.usage, `${config.issuer} offers no device flow (RFC 8628), and no browser can be opened here.`);
  }
  const now = io.now ?? Date.now;
  const flow = new DeviceFlow({
    metadata,
    client: { client_id: config.clientId },
    scope: config.scope,
    // RFC 8628 §5.4: the person checks on their phone which device they are approving.
    deviceName: `pairgate login on ${hostname()}`.slice(0, 80),
    deviceModel: 'Pairgate command line',
    ...(io.fetch ? { fetch: io.fetch } : {}),
    ...(io.now ? { now: io.now } : {}),
    ...(io.sleep ? { sleep: io.sleep } : {}),
  });
  let shownCode: string | undefined;
  let expiresAt = 0;
  let reconnecting = false;
  let shown: Promise<void> = Promise.resolve();
  const redraw = () => {
    if (!shownCode) return;
    const left = formatRemaining(expiresAt - now());
    out.status(reconnecting ? `Reconnecting… the code still works for ${left}` : `Waiting for approval… the code expires in ${left}`);
  };
  const timer = out.tty ? setInterval(redraw, io.tickMs ?? 1000) : undefined;
  const unsubscribe = flow.subscribe((state) => {
    switch (state.status) {
      case 'waiting':
      case 'reconnecting': {
        const { authorization } = state;
        if (authorization.user_code !== shownCode) {
          shownCode = authorization.user_code;
          expiresAt = state.expiresAt;
          shown = shown.then(() => showCode(out, authorization.verification_uri, authorization.verification_uri_complete, authorization.user_code, expiresAt - now()));
        }
        reconnecting = state.status === 'reconnecting';
        void shown.then(() => {
          if (out.tty) redraw();
          else out.status('', reconnecting ? 'Cannot reach the server; retrying. The code still works.' : 'Waiting for approval…');
        });
        break;
      }
      default:
        break;
    }
  });
  let result: DeviceFlowResult;
  try {
    result = await flow.start(io.signal);
    await shown;
  } finally {
    unsubscribe();
    if (timer) clearInterval(timer);
    out.endStatus();
  }
  switch (result.status) {
    case 'approved': {
      const tokens = result.tokens;
      let sub: string | undefined;
      let name: string | undefined;
      if (tokens.id_token && metadata.jwks_uri) {
        try {
          const claims = await new IdTokenVerifier({ clientId: config.clientId, ...(io.fetch ? { fetch: io.fetch } : {}), now }).verify(tokens.id_token, metadata, io.signal);
          sub = claims.sub;
          name = typeof claims.name === 'string' ? claims.name : undefined;
        } catch {
          if (io.signal.aborted) throw new LoginFailure(ExitCode.interrupted, 'cancelled.');
          throw new LoginFailure(ExitCode.notSignedIn, 'the sign-in could not be verified (ID token), so nothing was saved.');
        }
      }
      return { tokens, clientId: config.clientId, sub, name };
    }
    case 'denied':
      throw new LoginFailure(ExitCode.notSignedIn, 'access was denied.');
    case 'expired':
      throw new LoginFailure(ExitCode.notSignedIn, 'the code expired before it was approved. Run `pairgate login` again for a new one.');
    case 'cancelled':
      throw new LoginFailure(ExitCode.interrupted, 'cancelled.');
    case 'failed':
      if (isConfigurationError(result.error)) {
        throw new LoginFailure(ExitCode.usage, `the server refused this client (${(result.error as OAuthError).error}). Check --client-id and --scope.`);
      }
      if (isTransient(result.error)) throw new LoginFailure(ExitCode.notSignedIn, `cannot reach ${config.issuer}.`);
      throw new LoginFailure(ExitCode.notSignedIn, `the sign-in failed (${result.error instanceof OAuthError ? result.error.error : 'invalid response'}).`);
  }
}

async function showCode(out: Terminal, uri: string, complete: string | undefined, userCode: string, expiresInMs: number): Promise<void> {
  out.line();
  out.line('To sign in, open this page on your phone or computer:');
  out.line();
  out.line(`  ${complete ?? uri}`);
  out.line();
  out.line(complete ? `or go to ${uri} and enter the code:` : 'and enter the code:');
  out.line();
  out.line(`  ${formatUserCode(userCode)}`);
  out.line();
  await out.qr(complete ?? uri);
  out.line();
  if (!out.tty) out.line(`The code expires in ${Math.max(1, Math.round(expiresInMs / 60_000))} minutes.`);
}
