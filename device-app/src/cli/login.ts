/**
 * `pairgate login`: the browser flow (Authorization Code + PKCE with a loopback redirect,
 * RFC 8252) when a browser can be opened here, else the device flow (RFC 8628) with the URL, the
 * code and a QR code in the terminal. Tokens go to a 0600 file; the exit code says how it went.
 */
import { discover, isTransient, type AuthorizationServerMetadata } from '@pairgate/shared';
import { ConfigError, type AppConfig } from '../config';
import { loginConfig, type LoginArgs } from './args';
import { findBrowserCommand, openWith } from './browser';
import { browserLogin } from './browser-login';
import { deviceLogin } from './device-login';
import { CliFailure, ExitCode, type CliIo, type SignedIn } from './io';
import { Terminal } from './terminal';
import { configDir, savedTokens, writeTokenFile } from './token-file';

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
    return ExitCode.ok;
  } catch (error) {
    out.endStatus();
    if (error instanceof ConfigError) {
      out.line(`pairgate: ${error.message}`);
      return ExitCode.usage;
    }
    if (error instanceof CliFailure) {
      out.line(`pairgate: ${error.message}`);
      return error.exitCode;
    }
    if (io.signal.aborted) {
      out.line('pairgate: cancelled.');
      return ExitCode.interrupted;
    }
    // Unexpected: its name only — a message might echo a server's answer.
    out.line(`pairgate: the sign-in failed (${error instanceof Error ? error.name : typeof error}).`);
    return ExitCode.failed;
  }
}

async function discoverOrFail(config: AppConfig, io: CliIo): Promise<AuthorizationServerMetadata> {
  try {
    return await discover(config.issuer, { signal: io.signal, ...(io.fetch ? { fetch: io.fetch } : {}) });
  } catch (error) {
    if (io.signal.aborted) throw error;
    if (isTransient(error)) throw new CliFailure(ExitCode.failed, `cannot reach ${config.issuer}; check the address and your connection.`);
    throw new CliFailure(ExitCode.usage, `${config.issuer} is not an OAuth server this command can use (its discovery document is missing or invalid). Check --issuer.`);
  }
}
