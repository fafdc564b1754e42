/**
 * `pairgate login` in the browser (RFC 8252): the same PKCE + loopback step as the desktop app
 * (`core/desktop-sign-in.ts`); its failures become messages and exit codes, or a fall-back to a
 * code when no browser could be used.
 */
import { OAuthError, type AuthorizationServerMetadata } from '@pairgate/shared';
import type { AppConfig } from '../config';
import { BrowserSignInError, signInWithBrowser } from '../core/desktop-sign-in';
import { IdTokenVerifier } from '../core/id-token-verifier';
import { loopbackFactory } from '../main/loopback';
import { CliFailure, ExitCode, isConfigurationError, type CliIo, type SignedIn } from './io';
import type { Terminal } from './terminal';

/** Signs in through the browser; undefined: no browser could be used, fall back to a code. */
export async function browserLogin(
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
        throw new CliFailure(ExitCode.interrupted, 'cancelled.');
      case 'timeout':
        throw new CliFailure(ExitCode.failed, 'nobody finished signing in in the browser within 5 minutes. Run `pairgate login` again.');
      case 'denied':
        throw new CliFailure(ExitCode.failed, 'access was denied in the browser.');
      case 'state-mismatch':
        throw new CliFailure(ExitCode.failed, 'the browser came back with an answer that does not belong to this sign-in (state mismatch), so it was refused. Run `pairgate login` again.');
      case 'issuer-mismatch':
        throw new CliFailure(ExitCode.failed, `the answer in the browser did not come from ${config.issuer} (RFC 9207 "iss" missing or different), so it was refused.`);
      case 'invalid-response':
        throw new CliFailure(ExitCode.failed, 'the browser came back with a malformed answer, so it was refused.');
      case 'untrusted-endpoint':
        throw new CliFailure(ExitCode.usage, `the server's sign-in page is not on ${config.issuer}, so no browser was opened. Check --issuer.`);
      case 'refused':
        throw new CliFailure(
          isConfigurationError(cause) ? ExitCode.usage : ExitCode.failed,
          `the server refused the sign-in (${cause instanceof OAuthError ? cause.error : 'error'}). Check --client-id and --scope.`,
        );
      case 'exchange-failed':
        throw new CliFailure(
          isConfigurationError(cause) ? ExitCode.usage : ExitCode.failed,
          `the server did not accept the sign-in (${cause instanceof OAuthError ? cause.error : 'invalid response'}).`,
        );
      case 'unreachable':
        throw new CliFailure(ExitCode.failed, `cannot reach ${config.issuer} to finish the sign-in.`);
      case 'id-token-invalid':
        throw new CliFailure(ExitCode.failed, 'the sign-in could not be verified (ID token), so nothing was saved.');
    }
  }
}
