/**
 * `pairgate login` arguments. The connection settings (`--issuer`, `--client-id`, `--scope`,
 * `--config`) are the app's own, read by `loadConfig` with the same env vars and config file;
 * the flags below are the CLI's.
 */
import { ConfigError, loadConfig, type AppConfig } from '../config';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface LoginArgs {
  /** Force the device flow (RFC 8628) even where a browser could be opened. */
  device: boolean;
  /** Never open a browser (implies the device flow). */
  noBrowser: boolean;
  /** Print the access token on stdout once signed in. */
  printToken: boolean;
  /** The argv left for `loadConfig`: --issuer, --client-id, --scope, --config. */
  configArgv: string[];
}

export type Command = { name: 'login'; args: LoginArgs } | { name: 'help' };

export const USAGE = `Usage: pairgate login [options]

Signs you in and saves the tokens to a file only you can read.

With a browser on this machine it opens the sign-in page there (Authorization Code + PKCE,
redirect to 127.0.0.1). Without one, or with --device, it shows a code and a QR code to
approve on your phone (device flow).

Options:
  --issuer <url>       The sign-in server (env PAIRGATE_ISSUER; default http://localhost:3000)
  --client-id <id>     The OAuth client (env PAIRGATE_CLIENT_ID; default desktop-app in the
                       browser, tv-kiosk with a code)
  --scope <scopes>     Space-separated scopes (env PAIRGATE_SCOPE; default "openid profile offline_access")
  --config <file>      A JSON config file (env PAIRGATE_CONFIG)
  --device             Sign in with a code on another device, even if a browser is available
  --no-browser         Never open a browser (same as --device)
  --print-token        Print the access token on stdout when signed in
  -h, --help           Show this help

Tokens are saved to $PAIRGATE_CONFIG_DIR, else $XDG_CONFIG_HOME/pairgate, else
~/.config/pairgate (tokens.json, mode 0600).

Exit status: 0 signed in, 1 not signed in (denied, expired, cancelled, failed),
2 usage or configuration error.
`;

const CONFIG_FLAGS = new Set(['--issuer', '--client-id', '--scope', '--config']);

export function parseCommand(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { name: 'help' };
  if (command !== 'login') throw new UsageError(`unknown command "${command}"; the command is "pairgate login".`);
  const args: LoginArgs = { device: false, noBrowser: false, printToken: false, configArgv: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (name === '--help' || name === '-h') return { name: 'help' };
    if (arg === '--device') args.device = true;
    else if (arg === '--no-browser') args.noBrowser = true;
    else if (arg === '--print-token') args.printToken = true;
    else if (CONFIG_FLAGS.has(name)) {
      args.configArgv.push(arg);
      if (name === arg) {
        const value = rest[i + 1];
        if (value === undefined || value.startsWith('-')) throw new UsageError(`${name} needs a value.`);
        args.configArgv.push(value);
        i += 1;
      }
    } else {
      throw new UsageError(`unknown option ${arg}.`);
    }
  }
  return { name: 'login', args };
}

/**
 * The connection settings for one flow: the app's configuration sources, with the default
 * client id of that flow (the demo `desktop-app` for the browser, `tv-kiosk` for a code).
 */
export function loginConfig(args: LoginArgs, env: Readonly<Record<string, string | undefined>>, flow: 'browser' | 'device', readFile?: (file: string) => string): AppConfig {
  try {
    return loadConfig({
      argv: [...args.configArgv, '--mode', flow === 'browser' ? 'desktop' : 'kiosk'],
      env,
      ...(readFile ? { readFile } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}
